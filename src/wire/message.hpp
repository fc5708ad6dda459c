// Message: the protocol's messages as plain C++ values. The core builds and reads these; the
// codec (codec.hpp) is the only place that knows their byte form (proto/convoy.proto).
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <cstdint>
#include <variant>
#include <vector>

namespace convoy::wire {

/// One piece of membership news: "member `id` at `incarnation` is `status`, reachable at
/// `address`". Also the unit of full-state transfer (join, push-pull).
struct MemberUpdate {
  MemberId id;
  std::uint64_t incarnation = 0;
  MemberStatus status = MemberStatus::alive;
  Address address;

  friend bool operator==(const MemberUpdate&, const MemberUpdate&) = default;
};

/// Direct probe. The target acks only if `target` is its own id, so a different member that
/// took over the address never vouches for the old one.
struct Ping {
  std::uint64_t seq = 0;
  MemberId target;
  friend bool operator==(const Ping&, const Ping&) = default;
};

/// Answer to a Ping, or a relayed answer to a PingReq (same seq as the request it answers).
struct Ack {
  std::uint64_t seq = 0;
  friend bool operator==(const Ack&, const Ack&) = default;
};

/// Lifeguard: a relay tells the requester it got no answer from the target in time. A requester
/// that expected nacks and got none learns that *it* is the slow one.
struct Nack {
  std::uint64_t seq = 0;
  friend bool operator==(const Nack&, const Nack&) = default;
};

/// Indirect probe request: "ping `target` at `target_address` for me; answer with `seq`".
struct PingReq {
  std::uint64_t seq = 0;
  MemberId target;
  Address target_address;
  friend bool operator==(const PingReq&, const PingReq&) = default;
};

/// A datagram that exists only to carry piggybacked updates.
struct Gossip {
  friend bool operator==(const Gossip&, const Gossip&) = default;
};

/// Stream: a new member asks a seed for the cluster's state, announcing itself.
struct JoinRequest {
  MemberUpdate self;
  friend bool operator==(const JoinRequest&, const JoinRequest&) = default;
};

/// Stream: the seed's answer, every member it knows (itself included).
struct JoinResponse {
  std::vector<MemberUpdate> members;
  friend bool operator==(const JoinResponse&, const JoinResponse&) = default;
};

/// Stream: anti-entropy and partition healing. The initiator sends its full membership state;
/// the peer merges it and answers with its own (`reply` set), which the initiator merges.
struct PushPull {
  bool reply = false;
  std::vector<MemberUpdate> members;
  friend bool operator==(const PushPull&, const PushPull&) = default;
};

using Body = std::variant<Ping, Ack, Nack, PingReq, Gossip, JoinRequest, JoinResponse, PushPull>;

/// One datagram or stream message: a body plus piggybacked membership updates.
struct Packet {
  Body body;
  std::vector<MemberUpdate> updates;
  friend bool operator==(const Packet&, const Packet&) = default;
};

}  // namespace convoy::wire
