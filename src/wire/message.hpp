// Message: the protocol's messages as plain C++ values. The core builds and reads these; the
// codec (codec.hpp) is the only place that knows their byte form (proto/convoy.proto).
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <cstdint>
#include <optional>
#include <string>
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
  /// Suspect news only: the member whose probe failed (nil otherwise, or when unknown). Distinct
  /// reporters confirm a suspicion and shorten it (Lifeguard's dynamic suspicion).
  MemberId reporter{};

  friend bool operator==(const MemberUpdate&, const MemberUpdate&) = default;
};

/// Direct probe. The target acks only if `target` is its own id, so a different member that
/// took over the address never vouches for the old one.
struct Ping {
  std::uint64_t seq = 0;
  MemberId target;
  /// An anti-entropy round opened on this probe (store_exchange != 0): the sender's digest
  /// root, which the receiver compares like a StoreDigest holding the root alone.
  std::uint64_t store_root = 0;
  std::uint64_t store_exchange = 0;
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
  /// Lifeguard: the requester's deadline for the relay's nack, in ms (0: the relay's default).
  std::uint32_t nack_after_ms = 0;
  friend bool operator==(const PingReq&, const PingReq&) = default;
};

/// A datagram that exists only to carry piggybacked updates.
struct Gossip {
  friend bool operator==(const Gossip&, const Gossip&) = default;
};

/// Eager push: news the sender just learned, sent at once to its eager peers.
struct Push {
  MemberId sender;
  friend bool operator==(const Push&, const Push&) = default;
};

/// "Stop pushing to me": the sender had everything pushed to it already.
struct Prune {
  MemberId sender;
  friend bool operator==(const Prune&, const Prune&) = default;
};

// --- Member stores ----------------------------------------------------------------------------
//
// Every member owns a key/value store; its writes take consecutive versions from one counter
// per store *epoch* (a rising counter and a per-life nonce: a member that restarts without its
// persisted store starts a new epoch above its previous life's, and replicas of the old one are
// dropped). A replica that has applied version v of an owner needs exactly the items with
// version > v.

/// One item of a store, as replicated. Tombstones (deleted) carry no value.
struct StoreItem {
  std::string key;
  std::string value;
  std::uint64_t version = 0;
  bool deleted = false;
  friend bool operator==(const StoreItem&, const StoreItem&) = default;
};

/// Piggybacked store news: one item of `owner`'s store.
struct StoreDelta {
  MemberId owner;
  std::uint64_t epoch = 0;
  StoreItem item;
  friend bool operator==(const StoreDelta&, const StoreDelta&) = default;
};

/// Items of one owner's store held by the sender, as of `version` (the highest it applied).
/// Partial (`complete` false): the items with version > `since` — a delta. Complete: every live
/// item and kept tombstone; the receiver drops what it holds of that owner at version ≤
/// `version` that is not listed (needed when tombstones were collected).
struct StoreSnapshot {
  MemberId owner;
  std::uint64_t epoch = 0;
  std::uint64_t version = 0;
  std::uint64_t since = 0;
  bool complete = false;
  std::vector<StoreItem> items;
  friend bool operator==(const StoreSnapshot&, const StoreSnapshot&) = default;
};

/// Digest entry: how far the sender has applied `owner`'s store.
struct OwnerVersion {
  MemberId owner;
  std::uint64_t epoch = 0;
  std::uint64_t version = 0;
  friend bool operator==(const OwnerVersion&, const OwnerVersion&) = default;
};

/// Stream: a new member asks a seed for the cluster's state, announcing itself.
struct JoinRequest {
  MemberUpdate self;
  /// Random, per request: the answer must echo it.
  std::uint64_t request = 0;
  friend bool operator==(const JoinRequest&, const JoinRequest&) = default;
};

/// Stream: the seed's answer, every member it knows (itself included), and every store.
struct JoinResponse {
  std::vector<MemberUpdate> members;
  /// The stores that fit this message; the rest follow as StoreSync messages on the same
  /// connection, each within the stream size limit.
  std::vector<StoreSnapshot> stores;
  /// The JoinRequest's `request`.
  std::uint64_t request = 0;
  /// The seed's replica watermark of the joiner's own store, if it holds one.
  std::optional<OwnerVersion> joiner_store;
  friend bool operator==(const JoinResponse&, const JoinResponse&) = default;
};

/// Stream: anti-entropy and partition healing. The periodic exchange opens with a summary: no
/// members, only `members_hash`, the hash of the sender's view (membership.hpp). A peer whose
/// view hashes the same answers with its hash alone; one whose view differs answers with its
/// full state and `send_yours`, and the initiator completes the exchange with its own. A healing
/// exchange sends the full state at once (`reply` unset), answered with the peer's (`reply` set).
struct PushPull {
  bool reply = false;
  std::vector<MemberUpdate> members;
  /// Sent to heal a partition: what it teaches is spread (news to a whole side).
  bool heal = false;
  /// The sender's view hash, or 0 (a full-state message carries none).
  std::uint64_t members_hash = 0;
  /// The views differ: answer with your full state.
  bool send_yours = false;
  friend bool operator==(const PushPull&, const PushPull&) = default;
};

/// One range of the digest tree: the owners whose 64-bit position starts with the 6 × `level`
/// bits of `index`; `hash` is the XOR of (owner, epoch, watermark) hashes over them.
struct DigestRange {
  std::uint32_t level = 0;
  std::uint32_t index = 0;
  std::uint64_t hash = 0;
  friend bool operator==(const DigestRange&, const DigestRange&) = default;
};

/// Datagram: anti-entropy, one step down the digest tree (the root first, then the children of
/// the ranges that differ).
struct StoreDigest {
  std::vector<DigestRange> ranges;
  /// The round this step belongs to (random, chosen by the round's opener).
  std::uint64_t exchange = 0;
  friend bool operator==(const StoreDigest&, const StoreDigest&) = default;
};

/// Answer at the bottom of the descent: the responder's per-owner versions in `ranges`.
struct StoreDigestDetail {
  std::vector<DigestRange> ranges;  ///< hash unused
  std::vector<OwnerVersion> owners;
  std::uint64_t exchange = 0;
  friend bool operator==(const StoreDigestDetail&, const StoreDigestDetail&) = default;
};

/// Store state on the move: snapshots the receiver lacks, and `wants` — owners whose items
/// after the given version the sender asks the receiver for (answered by another StoreSync).
/// Also the store part of a join's full state.
struct StoreSync {
  std::vector<StoreSnapshot> snapshots;
  std::vector<OwnerVersion> wants;
  /// The anti-entropy round it answers; 0 for join state.
  std::uint64_t exchange = 0;
  friend bool operator==(const StoreSync&, const StoreSync&) = default;
};

/// A compare-and-set on `owner`'s store, sent to the owner by any member.
struct StoreWrite {
  std::uint64_t request = 0;
  MemberId owner;
  std::string key;
  std::string value;
  std::uint64_t expected_version = 0;
  bool erase = false;
  /// Who asks; with `request` it names the write, so a retry is answered, not applied again.
  MemberId requester;
  /// The epoch of expected_version; 0: any.
  std::uint64_t expected_epoch = 0;
  /// No expectation: the owner writes whatever the key holds.
  bool unconditional = false;
  friend bool operator==(const StoreWrite&, const StoreWrite&) = default;
};

/// The owner's answer to a StoreWrite.
struct StoreWriteResult {
  enum class Outcome : std::uint8_t { done = 1, conflict = 2, failed = 3 };
  std::uint64_t request = 0;
  Outcome outcome = Outcome::failed;
  StoreItem item;           ///< the item after the write (done) or as it is (conflict)
  std::string error;        ///< why, when failed
  MemberId owner;           ///< who answers
  std::uint64_t epoch = 0;  ///< the store epoch of `item`
  friend bool operator==(const StoreWriteResult&, const StoreWriteResult&) = default;
};

using Body =
    std::variant<Ping, Ack, Nack, PingReq, Gossip, JoinRequest, JoinResponse, PushPull, StoreDigest,
                 StoreDigestDetail, StoreSync, StoreWrite, StoreWriteResult, Push, Prune>;

/// One datagram or stream message: a body plus piggybacked membership updates and store deltas
/// (membership first: it decides who is in the cluster).
struct Packet {
  Body body;
  std::vector<MemberUpdate> updates{};
  std::vector<StoreDelta> deltas{};  // default-initialised: most packets carry none
  friend bool operator==(const Packet&, const Packet&) = default;
};

}  // namespace convoy::wire
