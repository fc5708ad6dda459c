// Codec: the only code that knows both the C++ messages (message.hpp) and their Protocol Buffers
// form (proto/convoy.proto). Everything that arrives from the network passes through decode(),
// so it is written to reject, never to trust: no input may crash it, throw out of it or yield a
// Packet that breaks message.hpp's invariants.
//
// Envelope (docs/protocol.md draws it):
//
//   offset 0   1   2   3   4   5                               n
//          +---+---+---+---+---+-------------------------------+
//          | C | N | V | Y | 2 | pb::Packet, protobuf encoding |
//          +---+---+---+---+---+-------------------------------+
//
// The protobuf objects of one encode() or decode() live in an arena whose first block is on the
// stack, so a datagram's worth of messages costs no heap allocation beyond the result (and one
// per IPv6 address and per store key or value longer than 15 bytes: they overflow std::string's
// inline buffer); bigger stream messages spill into heap blocks that the arena frees in one go.
// Measured against plain heap-allocated messages, this halves decode time (about 2 us instead of
// 4 us for a full 1400-byte datagram of updates).
#include "wire/codec.hpp"

#include "convoy.pb.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <climits>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

namespace convoy::wire {
namespace {

using google::protobuf::Arena;
using google::protobuf::RepeatedPtrField;
using google::protobuf::io::CodedOutputStream;

// Enough for the protobuf objects of a full 1400-byte datagram (measured: 42 updates take about
// 5 KB of arena, 18 sample store deltas about 3 KB), so the common path takes no heap block for
// them.
constexpr std::size_t kStackArenaBytes = 8192;

// The arena and the stack block it starts from. One per encode()/decode() call: nothing is
// shared between calls, so the codec stays free of global state and safe to use from any thread.
class Scratch {
 public:
  Scratch() : arena_(options(block_)) {}
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Called once per Scratch: each call makes a fresh message.
  pb::Packet& new_packet() { return *Arena::CreateMessage<pb::Packet>(&arena_); }

 private:
  static google::protobuf::ArenaOptions options(std::array<char, kStackArenaBytes>& block) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block.data();
    o.initial_block_size = block.size();
    return o;
  }

  // Declared before arena_: the arena must be constructed after, and destroyed before, its block.
  alignas(std::max_align_t) std::array<char, kStackArenaBytes> block_;
  Arena arena_;
};

// The status numbers are shared with convoy::MemberStatus on purpose; these catch any drift.
static_assert(static_cast<int>(MemberStatus::alive) == pb::MEMBER_STATUS_ALIVE);
static_assert(static_cast<int>(MemberStatus::suspect) == pb::MEMBER_STATUS_SUSPECT);
static_assert(static_cast<int>(MemberStatus::dead) == pb::MEMBER_STATUS_DEAD);
static_assert(static_cast<int>(MemberStatus::left) == pb::MEMBER_STATUS_LEFT);
static_assert(static_cast<int>(MemberStatus::evicted) == pb::MEMBER_STATUS_EVICTED);
static_assert(static_cast<int>(StoreWriteResult::Outcome::done) ==
              pb::StoreWriteResult::OUTCOME_DONE);
static_assert(static_cast<int>(StoreWriteResult::Outcome::conflict) ==
              pb::StoreWriteResult::OUTCOME_CONFLICT);
static_assert(static_cast<int>(StoreWriteResult::Outcome::failed) ==
              pb::StoreWriteResult::OUTCOME_FAILED);

constexpr std::uint32_t kMaxPort = 65535;
// Wire limits, not policy: the core may allow less (StoreLimits), never more. 256 bytes keep a
// key small next to its value in a datagram; 4096 digest ranges (~70 KB at level 3) bound what
// one digest makes the receiver hash and compare.
constexpr std::size_t kMaxKeyBytes = 256;
constexpr std::size_t kMaxDigestRanges = 4096;

// ---- C++ -> protobuf ------------------------------------------------------------------------

// Writes the meaningful bytes of `a.ip` into a bytes field. assign() on the field's string rather
// than set_ip(ptr, n), which builds a temporary std::string first: an IPv6 address is longer than
// the small-string buffer, so that would cost two heap allocations instead of one.
void set_ip(std::string& field, const Address& a) {
  field.assign(reinterpret_cast<const char*>(a.ip.data()), a.ip_size());
}

void to_pb(const MemberUpdate& u, pb::MemberUpdate& out) {
  out.set_id_hi(u.id.hi);
  out.set_id_lo(u.id.lo);
  out.set_incarnation(u.incarnation);
  out.set_status(static_cast<pb::MemberStatus>(u.status));
  set_ip(*out.mutable_ip(), u.address);
  out.set_port(u.address.port);
  if (u.status == MemberStatus::suspect) {
    out.set_reporter_hi(u.reporter.hi);
    out.set_reporter_lo(u.reporter.lo);
  }
}

void to_pb(const StoreItem& item, pb::StoreItem& out) {
  out.set_key(item.key);
  out.set_value(item.value);
  out.set_version(item.version);
  out.set_deleted(item.deleted);
}

void to_pb(const StoreDelta& d, pb::StoreDelta& out) {
  out.set_owner_hi(d.owner.hi);
  out.set_owner_lo(d.owner.lo);
  out.set_epoch(d.epoch);
  out.set_key(d.item.key);
  out.set_value(d.item.value);
  out.set_version(d.item.version);
  out.set_deleted(d.item.deleted);
}

void to_pb(const DigestRange& r, pb::DigestRange& out) {
  out.set_level(r.level);
  out.set_index(r.index);
  out.set_hash(r.hash);
}

void to_pb(const OwnerVersion& v, pb::OwnerVersion& out) {
  out.set_owner_hi(v.owner.hi);
  out.set_owner_lo(v.owner.lo);
  out.set_epoch(v.epoch);
  out.set_version(v.version);
}

// Declared ahead of the list template below, which finds its element overloads by ordinary
// lookup at its definition (these are in an unnamed namespace, out of reach of ADL).
void to_pb(const StoreSnapshot& s, pb::StoreSnapshot& out);

template <typename T, typename P>
void to_pb(const std::vector<T>& in, RepeatedPtrField<P>& out) {
  out.Reserve(static_cast<int>(in.size()));
  for (const T& v : in) to_pb(v, *out.Add());
}

void to_pb(const StoreSnapshot& s, pb::StoreSnapshot& out) {
  out.set_owner_hi(s.owner.hi);
  out.set_owner_lo(s.owner.lo);
  out.set_epoch(s.epoch);
  out.set_version(s.version);
  out.set_since(s.since);
  out.set_complete(s.complete);
  to_pb(s.items, *out.mutable_items());
}

// One overload per Body alternative; std::visit fails to compile if an alternative is missing.
struct BodyToPb {
  pb::Packet& out;

  void operator()(const Ping& b) const {
    pb::Ping& p = *out.mutable_ping();
    p.set_seq(b.seq);
    p.set_target_hi(b.target.hi);
    p.set_target_lo(b.target.lo);
    if (b.store_exchange != 0) {
      p.set_store_root(b.store_root);
      p.set_store_exchange(b.store_exchange);
    }
  }
  void operator()(const Ack& b) const { out.mutable_ack()->set_seq(b.seq); }
  void operator()(const Nack& b) const { out.mutable_nack()->set_seq(b.seq); }
  void operator()(const PingReq& b) const {
    pb::PingReq& p = *out.mutable_ping_req();
    p.set_seq(b.seq);
    p.set_target_hi(b.target.hi);
    p.set_target_lo(b.target.lo);
    set_ip(*p.mutable_target_ip(), b.target_address);
    p.set_target_port(b.target_address.port);
    p.set_nack_after_ms(b.nack_after_ms);
  }
  void operator()(const Gossip&) const { out.mutable_gossip(); }
  void operator()(const Push& b) const {
    pb::Push& p = *out.mutable_push();
    p.set_sender_hi(b.sender.hi);
    p.set_sender_lo(b.sender.lo);
  }
  void operator()(const Prune& b) const {
    pb::Prune& p = *out.mutable_prune();
    p.set_sender_hi(b.sender.hi);
    p.set_sender_lo(b.sender.lo);
  }
  void operator()(const JoinRequest& b) const {
    pb::JoinRequest& p = *out.mutable_join_request();
    to_pb(b.self, *p.mutable_self());
    p.set_request(b.request);
  }
  void operator()(const JoinResponse& b) const {
    pb::JoinResponse& p = *out.mutable_join_response();
    to_pb(b.members, *p.mutable_members());
    to_pb(b.stores, *p.mutable_stores());
    p.set_request(b.request);
    if (b.joiner_store) to_pb(*b.joiner_store, *p.mutable_joiner_store());
  }
  void operator()(const PushPull& b) const {
    pb::PushPull& p = *out.mutable_push_pull();
    p.set_reply(b.reply);
    to_pb(b.members, *p.mutable_members());
    p.set_heal(b.heal);
    p.set_members_hash(b.members_hash);
    p.set_send_yours(b.send_yours);
  }
  void operator()(const StoreDigest& b) const {
    pb::StoreDigest& p = *out.mutable_store_digest();
    to_pb(b.ranges, *p.mutable_ranges());
    p.set_exchange(b.exchange);
  }
  void operator()(const StoreDigestDetail& b) const {
    pb::StoreDigestDetail& p = *out.mutable_store_digest_detail();
    to_pb(b.ranges, *p.mutable_ranges());
    to_pb(b.owners, *p.mutable_owners());
    p.set_exchange(b.exchange);
  }
  void operator()(const StoreSync& b) const {
    pb::StoreSync& p = *out.mutable_store_sync();
    to_pb(b.snapshots, *p.mutable_snapshots());
    to_pb(b.wants, *p.mutable_wants());
    p.set_exchange(b.exchange);
  }
  void operator()(const StoreWrite& b) const {
    pb::StoreWrite& p = *out.mutable_store_write();
    p.set_request(b.request);
    p.set_owner_hi(b.owner.hi);
    p.set_owner_lo(b.owner.lo);
    p.set_key(b.key);
    p.set_value(b.value);
    p.set_expected_version(b.expected_version);
    p.set_erase(b.erase);
    p.set_requester_hi(b.requester.hi);
    p.set_requester_lo(b.requester.lo);
    p.set_expected_epoch(b.expected_epoch);
    p.set_unconditional(b.unconditional);
  }
  void operator()(const StoreWriteResult& b) const {
    pb::StoreWriteResult& p = *out.mutable_store_write_result();
    p.set_request(b.request);
    p.set_outcome(static_cast<pb::StoreWriteResult::Outcome>(b.outcome));
    to_pb(b.item, *p.mutable_item());
    p.set_error(b.error);
    p.set_owner_hi(b.owner.hi);
    p.set_owner_lo(b.owner.lo);
    p.set_epoch(b.epoch);
  }
};

void to_pb(const Packet& packet, pb::Packet& out) {
  std::visit(BodyToPb{out}, packet.body);
  to_pb(packet.updates, *out.mutable_updates());
  to_pb(packet.deltas, *out.mutable_deltas());
}

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

DecodeResult failure(DecodeError e) {
  return DecodeResult{std::nullopt, e};
}

// Bytes a length-delimited sub-message of `payload` bytes adds to a repeated field `field`.
std::size_t framed_size(int field, std::size_t payload) {
  const auto wire_type_length_delimited = 2u;
  const auto tag = (static_cast<std::uint32_t>(field) << 3) | wire_type_length_delimited;
  return CodedOutputStream::VarintSize32(tag) +
         CodedOutputStream::VarintSize64(static_cast<std::uint64_t>(payload)) + payload;
}

// Sizes of single proto3 fields as protobuf writes them: a field holding its default (0, false,
// empty) is left out entirely. The wire type occupies the tag's low 3 bits, so it never changes
// the tag's varint length and the field number alone decides it.
std::size_t tag_size(int field) {
  return CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(field) << 3);
}
std::size_t fixed64_field_size(int field, std::uint64_t v) {
  return v == 0 ? 0 : tag_size(field) + sizeof(std::uint64_t);
}
std::size_t varint_field_size(int field, std::uint64_t v) {
  return v == 0 ? 0 : tag_size(field) + CodedOutputStream::VarintSize64(v);
}
std::size_t bool_field_size(int field, bool v) {
  return v ? tag_size(field) + 1 : 0;
}
std::size_t bytes_field_size(int field, const std::string& v) {
  return v.empty() ? 0 : tag_size(field) + CodedOutputStream::VarintSize64(v.size()) + v.size();
}

// pb::StoreDelta's ByteSizeLong() for `d`, computed field by field (mirroring to_pb) instead of
// measured on a converted message: that would copy the key and value, up to the core's value
// limit, for every delta a Packer merely considers. Debug builds check it against protobuf.
std::size_t delta_payload_size(const StoreDelta& d) {
  using M = pb::StoreDelta;
  return fixed64_field_size(M::kOwnerHiFieldNumber, d.owner.hi) +
         fixed64_field_size(M::kOwnerLoFieldNumber, d.owner.lo) +
         varint_field_size(M::kEpochFieldNumber, d.epoch) +
         bytes_field_size(M::kKeyFieldNumber, d.item.key) +
         bytes_field_size(M::kValueFieldNumber, d.item.value) +
         varint_field_size(M::kVersionFieldNumber, d.item.version) +
         bool_field_size(M::kDeletedFieldNumber, d.item.deleted);
}

// pb::StoreItem's and pb::StoreSnapshot's ByteSizeLong(), computed like delta_payload_size():
// the chunking of big store transfers measures every item, and converting each would copy it.
std::size_t item_payload_size(const StoreItem& item) {
  using M = pb::StoreItem;
  return bytes_field_size(M::kKeyFieldNumber, item.key) +
         bytes_field_size(M::kValueFieldNumber, item.value) +
         varint_field_size(M::kVersionFieldNumber, item.version) +
         bool_field_size(M::kDeletedFieldNumber, item.deleted);
}

std::size_t snapshot_payload_size(const StoreSnapshot& s) {
  using M = pb::StoreSnapshot;
  std::size_t n = fixed64_field_size(M::kOwnerHiFieldNumber, s.owner.hi) +
                  fixed64_field_size(M::kOwnerLoFieldNumber, s.owner.lo) +
                  varint_field_size(M::kEpochFieldNumber, s.epoch) +
                  varint_field_size(M::kVersionFieldNumber, s.version) +
                  varint_field_size(M::kSinceFieldNumber, s.since) +
                  bool_field_size(M::kCompleteFieldNumber, s.complete);
  for (const StoreItem& item : s.items)
    n += framed_size(M::kItemsFieldNumber, item_payload_size(item));
  return n;
}

}  // namespace

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::too_short:
      return "too_short";
    case DecodeError::bad_magic:
      return "bad_magic";
    case DecodeError::unsupported_version:
      return "unsupported_version";
    case DecodeError::oversized:
      return "oversized";
    case DecodeError::malformed:
      return "malformed";
    case DecodeError::invalid:
      return "invalid";
  }
  return "unknown";
}

Bytes encode(const Packet& packet) {
  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  to_pb(packet, msg);
  const std::size_t payload = msg.ByteSizeLong();
  Bytes out(kEnvelopeHeaderSize + payload);
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[kMagic.size()] = kProtocolVersion;
  // ByteSizeLong() above cached the sizes this serializer relies on.
  msg.SerializeWithCachedSizesToArray(out.data() + kEnvelopeHeaderSize);
  return out;
}

DecodeResult decode(std::span<const std::uint8_t> bytes, std::size_t max_size) {
  // Cheapest and most telling checks first; the size limit precedes everything else so that an
  // oversized input is never looked at.
  if (bytes.size() > max_size) return failure(DecodeError::oversized);
  if (bytes.size() < kEnvelopeHeaderSize) return failure(DecodeError::too_short);
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return failure(DecodeError::bad_magic);
  }
  if (bytes[kMagic.size()] != kProtocolVersion) return failure(DecodeError::unsupported_version);

  const auto payload = bytes.subspan(kEnvelopeHeaderSize);
  // Protobuf's parser takes an int length; anything bigger cannot be one of ours.
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) return failure(DecodeError::malformed);

  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  if (!msg.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return failure(DecodeError::malformed);
  }

  Packet packet;
  if (!body_from_pb(msg, packet.body) || !from_pb(msg.updates(), packet.updates) ||
      !from_pb(msg.deltas(), packet.deltas)) {
    return failure(DecodeError::invalid);
  }
  return DecodeResult{std::move(packet), DecodeError::malformed};
}

std::size_t encoded_size(const MemberUpdate& update) {
  // Measured by protobuf itself rather than by a formula of ours, so it stays exact when the
  // schema or the conversion changes. Fields holding defaults (port 0, incarnation 0) are
  // omitted on the wire, which is why the size depends on the values.
  pb::MemberUpdate msg;
  to_pb(update, msg);
  return framed_size(pb::Packet::kUpdatesFieldNumber, msg.ByteSizeLong());
}

std::size_t encoded_size(const StoreDelta& delta) {
  const std::size_t payload = delta_payload_size(delta);
#ifndef NDEBUG
  {
    pb::StoreDelta msg;
    to_pb(delta, msg);
    assert(payload == msg.ByteSizeLong() && "delta_payload_size() out of step with the schema");
  }
#endif
  return framed_size(pb::Packet::kDeltasFieldNumber, payload);
}

std::size_t encoded_size(const StoreItem& item) {
  const std::size_t payload = item_payload_size(item);
#ifndef NDEBUG
  {
    pb::StoreItem msg;
    to_pb(item, msg);
    assert(payload == msg.ByteSizeLong() && "item_payload_size() out of step with the schema");
  }
#endif
  return framed_size(pb::StoreSnapshot::kItemsFieldNumber, payload);
}

std::size_t encoded_size(const StoreSnapshot& snapshot) {
  const std::size_t payload = snapshot_payload_size(snapshot);
#ifndef NDEBUG
  {
    pb::StoreSnapshot msg;
    to_pb(snapshot, msg);
    assert(payload == msg.ByteSizeLong() && "snapshot_payload_size() out of step with the schema");
  }
#endif
  // StoreSync.snapshots is field 1 and JoinResponse.stores field 2: both one-byte tags.
  return framed_size(pb::StoreSync::kSnapshotsFieldNumber, payload);
}

Packer::Packer(Packet packet, std::size_t budget)
    : packet_(std::move(packet)), budget_(budget), size_(0) {
  // The one full measurement; afterwards try_add() only adds each update's or delta's own size,
  // which is exact because a repeated field's encoding is the concatenation of its elements' and
  // the two lists are separate fields (neither's size depends on the other).
  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  to_pb(packet_, msg);
  size_ = kEnvelopeHeaderSize + msg.ByteSizeLong();
  // A bare packet over budget can take no updates; raising the budget to its size keeps
  // remaining() at zero instead of letting the unsigned subtraction wrap.
  budget_ = std::max(budget_, size_);
}

bool Packer::try_add(const MemberUpdate& update) {
  const std::size_t n = encoded_size(update);
  if (n > remaining()) return false;
  packet_.updates.push_back(update);
  size_ += n;
  return true;
}

bool Packer::try_add(const StoreDelta& delta) {
  const std::size_t n = encoded_size(delta);
  if (n > remaining()) return false;
  packet_.deltas.push_back(delta);
  size_ += n;
  return true;
}

Bytes Packer::finish() const {
  return encode(packet_);
}

}  // namespace convoy::wire
