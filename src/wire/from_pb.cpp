// protobuf -> C++ (pb_conversion.hpp), with validation: everything that arrives from the
// network passes through here, so it is written to reject, never to trust: no input may crash
// it, throw out of it or yield a Packet that breaks message.hpp's invariants.
#include "wire/pb_conversion.hpp"

#include "wire/codec.hpp"

#include <google/protobuf/repeated_ptr_field.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace convoy::wire {
namespace {

using google::protobuf::RepeatedPtrField;

constexpr std::uint32_t kMaxPort = 65535;
// Wire limits, not policy: the core may allow less (StoreLimits), never more. 256 bytes keep a
// key small next to its value in a datagram; 4096 digest ranges (~70 KB at level 3) bound what
// one digest makes the receiver hash and compare.
constexpr std::size_t kMaxKeyBytes = 256;
constexpr std::size_t kMaxDigestRanges = 4096;

// ---- protobuf -> C++, with validation -------------------------------------------------------
// Each returns false when the message breaks a rule protobuf cannot express; decode() then
// reports DecodeError::invalid.

bool from_pb(const std::string& ip, std::uint32_t port, Address& out) {
  if (port > kMaxPort) return false;
  if (ip.size() == 4) {
    out.family = Address::Family::v4;
  } else if (ip.size() == 16) {
    out.family = Address::Family::v6;
  } else {
    return false;
  }
  out.ip = {};  // IPv4 leaves bytes 4..15 zero, as Address requires
  std::memcpy(out.ip.data(), ip.data(), ip.size());
  out.port = static_cast<std::uint16_t>(port);
  return true;
}

bool from_pb(const pb::MemberUpdate& in, MemberUpdate& out) {
  // Read as a plain int: proto3 enums are open, so any number can arrive here.
  const int status = static_cast<int>(in.status());
  if (status < pb::MEMBER_STATUS_ALIVE || status > pb::MEMBER_STATUS_EVICTED) return false;
  out.id = MemberId{in.id_hi(), in.id_lo()};
  if (out.id.is_nil()) return false;
  out.incarnation = in.incarnation();
  out.status = static_cast<MemberStatus>(status);
  // A reporter means something only in suspect news: elsewhere it is dropped, so equal news
  // compares equal whoever relayed it.
  out.reporter = out.status == MemberStatus::suspect ? MemberId{in.reporter_hi(), in.reporter_lo()}
                                                     : MemberId{};
  return from_pb(in.ip(), in.port(), out.address);
}

// A store owner: no member has the nil id, so a nil owner is garbage, not a store.
bool owner_from_pb(std::uint64_t hi, std::uint64_t lo, MemberId& out) {
  out = MemberId{hi, lo};
  return !out.is_nil();
}

bool valid_key(const std::string& key) {
  return !key.empty() && key.size() <= kMaxKeyBytes;
}

// The fields of a StoreItem, from a StoreItem or inline in a StoreDelta. Values are copied
// unchecked: their size limit is the core's (the stream limit bounds them here).
bool item_from_pb(const std::string& key, const std::string& value, std::uint64_t version,
                  bool deleted, StoreItem& out) {
  if (!valid_key(key)) return false;
  // A tombstone with a value would be two states at once; which one the core sees must not
  // depend on which field it reads.
  if (deleted && !value.empty()) return false;
  out.key = key;
  out.value = value;
  out.version = version;
  out.deleted = deleted;
  return true;
}

bool from_pb(const pb::StoreItem& in, StoreItem& out) {
  return item_from_pb(in.key(), in.value(), in.version(), in.deleted(), out);
}

bool from_pb(const pb::StoreDelta& in, StoreDelta& out) {
  if (!owner_from_pb(in.owner_hi(), in.owner_lo(), out.owner)) return false;
  out.epoch = in.epoch();
  return item_from_pb(in.key(), in.value(), in.version(), in.deleted(), out.item);
}

bool from_pb(const pb::OwnerVersion& in, OwnerVersion& out) {
  if (!owner_from_pb(in.owner_hi(), in.owner_lo(), out.owner)) return false;
  out.epoch = in.epoch();
  out.version = in.version();
  return true;
}

// A range of the digest tree: level 0..kMaxDigestLevel, and an index that level can hold.
bool from_pb(const pb::DigestRange& in, DigestRange& out) {
  if (in.level() > kMaxDigestLevel) return false;
  if (in.index() >= (std::uint64_t{1} << (kDigestLevelBits * in.level()))) return false;
  out.level = in.level();
  out.index = in.index();
  out.hash = in.hash();
  return true;
}

// Declared ahead of the list template below, like to_pb(StoreSnapshot).
bool from_pb(const pb::StoreSnapshot& in, StoreSnapshot& out);

// Stops at the first invalid element: the packet is rejected whole, so converting the rest would
// be wasted work. The vector never holds more elements than the parser found in the input.
template <typename P, typename T>
bool from_pb(const RepeatedPtrField<P>& in, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    if (!from_pb(in.Get(i), out[static_cast<std::size_t>(i)])) return false;
  }
  return true;
}

bool from_pb(const pb::StoreSnapshot& in, StoreSnapshot& out) {
  if (!owner_from_pb(in.owner_hi(), in.owner_lo(), out.owner)) return false;
  out.epoch = in.epoch();
  out.version = in.version();
  out.since = in.since();
  out.complete = in.complete();
  return from_pb(in.items(), out.items);
}

bool from_pb(const pb::StoreDigest& in, StoreDigest& out) {
  const int n = in.ranges_size();
  if (n == 0 || static_cast<std::size_t>(n) > kMaxDigestRanges) return false;
  out.exchange = in.exchange();
  return from_pb(in.ranges(), out.ranges);
}

bool from_pb(const pb::StoreDigestDetail& in, StoreDigestDetail& out) {
  if (static_cast<std::size_t>(in.ranges_size()) > kMaxDigestRanges) return false;
  out.exchange = in.exchange();
  return from_pb(in.ranges(), out.ranges) && from_pb(in.owners(), out.owners);
}

bool from_pb(const pb::StoreSync& in, StoreSync& out) {
  out.exchange = in.exchange();
  return from_pb(in.snapshots(), out.snapshots) && from_pb(in.wants(), out.wants);
}

bool from_pb(const pb::StoreWrite& in, StoreWrite& out) {
  if (!owner_from_pb(in.owner_hi(), in.owner_lo(), out.owner)) return false;
  if (!owner_from_pb(in.requester_hi(), in.requester_lo(), out.requester)) return false;
  out.expected_epoch = in.expected_epoch();
  out.unconditional = in.unconditional();
  if (!valid_key(in.key())) return false;
  out.request = in.request();
  out.key = in.key();
  out.value = in.value();
  out.expected_version = in.expected_version();
  out.erase = in.erase();
  return true;
}

bool from_pb(const pb::StoreWriteResult& in, StoreWriteResult& out) {
  // Read as a plain int, like MemberUpdate.status: 0 is unspecified, and an open enum may hold
  // any number.
  const int outcome = static_cast<int>(in.outcome());
  if (outcome < pb::StoreWriteResult::OUTCOME_DONE ||
      outcome > pb::StoreWriteResult::OUTCOME_FAILED) {
    return false;
  }
  if (!owner_from_pb(in.owner_hi(), in.owner_lo(), out.owner)) return false;
  out.request = in.request();
  out.outcome = static_cast<StoreWriteResult::Outcome>(outcome);
  out.error = in.error();
  out.epoch = in.epoch();
  const pb::StoreItem& item = in.item();
  if (out.outcome == StoreWriteResult::Outcome::failed) {
    // The item of a failed write carries no state, and the failure may be the key itself (empty
    // or too long), so only the tombstone rule applies; the key is passed through as it came.
    if (item.deleted() && !item.value().empty()) return false;
    out.item = StoreItem{item.key(), item.value(), item.version(), item.deleted()};
    return true;
  }
  return from_pb(item, out.item);
}

// Converts a body held by `in` into `out`'s alternative B.
template <typename B, typename P>
bool body_from(const P& in, Body& out) {
  return from_pb(in, out.emplace<B>());
}

bool body_from_pb(const pb::Packet& in, Body& out) {
  switch (in.body_case()) {
    case pb::Packet::kPing: {
      const pb::Ping& p = in.ping();
      // A root without a round means nothing: dropped, so equal pings encode equally.
      out = Ping{p.seq(), MemberId{p.target_hi(), p.target_lo()},
                 p.store_exchange() != 0 ? p.store_root() : 0, p.store_exchange()};
      return true;
    }
    case pb::Packet::kAck:
      out = Ack{in.ack().seq()};
      return true;
    case pb::Packet::kNack:
      out = Nack{in.nack().seq()};
      return true;
    case pb::Packet::kPingReq: {
      const pb::PingReq& p = in.ping_req();
      PingReq b{p.seq(), MemberId{p.target_hi(), p.target_lo()}, Address{}, p.nack_after_ms()};
      if (!from_pb(p.target_ip(), p.target_port(), b.target_address)) return false;
      out = std::move(b);
      return true;
    }
    case pb::Packet::kGossip:
      out = Gossip{};
      return true;
    case pb::Packet::kJoinRequest: {
      // An absent `self` would read as the nil id; reject it explicitly all the same.
      if (!in.join_request().has_self()) return false;
      JoinRequest b;
      if (!from_pb(in.join_request().self(), b.self)) return false;
      b.request = in.join_request().request();
      out = std::move(b);
      return true;
    }
    case pb::Packet::kJoinResponse: {
      const pb::JoinResponse& p = in.join_response();
      JoinResponse& b = out.emplace<JoinResponse>();
      b.request = p.request();
      if (p.has_joiner_store() && !from_pb(p.joiner_store(), b.joiner_store.emplace()))
        return false;
      return from_pb(p.members(), b.members) && from_pb(p.stores(), b.stores);
    }
    case pb::Packet::kPushPull: {
      PushPull& b = out.emplace<PushPull>();
      b.reply = in.push_pull().reply();
      b.heal = in.push_pull().heal();
      b.members_hash = in.push_pull().members_hash();
      b.send_yours = in.push_pull().send_yours();
      return from_pb(in.push_pull().members(), b.members);
    }
    case pb::Packet::kStoreDigest:
      return body_from<StoreDigest>(in.store_digest(), out);
    case pb::Packet::kStoreDigestDetail:
      return body_from<StoreDigestDetail>(in.store_digest_detail(), out);
    case pb::Packet::kStoreSync:
      return body_from<StoreSync>(in.store_sync(), out);
    case pb::Packet::kStoreWrite:
      return body_from<StoreWrite>(in.store_write(), out);
    case pb::Packet::kStoreWriteResult:
      return body_from<StoreWriteResult>(in.store_write_result(), out);
    case pb::Packet::kPush: {
      Push b;
      if (!owner_from_pb(in.push().sender_hi(), in.push().sender_lo(), b.sender)) return false;
      out = b;
      return true;
    }
    case pb::Packet::kPrune: {
      Prune b;
      if (!owner_from_pb(in.prune().sender_hi(), in.prune().sender_lo(), b.sender)) return false;
      out = b;
      return true;
    }
    case pb::Packet::BODY_NOT_SET:
      return false;
  }
  return false;  // a body number this build does not know of
}

}  // namespace

bool from_pb(const pb::Packet& in, Packet& out) {
  return body_from_pb(in, out.body) && from_pb(in.updates(), out.updates) &&
         from_pb(in.deltas(), out.deltas);
}

}  // namespace convoy::wire
