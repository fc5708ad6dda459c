// C++ -> protobuf (pb_conversion.hpp). Trusting: a Packet that breaks message.hpp's invariants
// is a bug of ours, not input.
#include "wire/pb_conversion.hpp"

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <variant>
#include <vector>

namespace convoy::wire {
namespace {

using google::protobuf::RepeatedPtrField;

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

// Writes the meaningful bytes of `a.ip` into a bytes field. assign() on the field's string rather
// than set_ip(ptr, n), which builds a temporary std::string first: an IPv6 address is longer than
// the small-string buffer, so that would cost two heap allocations instead of one.
void set_ip(std::string& field, const Address& a) {
  field.assign(reinterpret_cast<const char*>(a.ip.data()), a.ip_size());
}

}  // namespace

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

namespace {

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

// Lists. The element overloads are found by ordinary lookup at this definition: the public ones
// through pb_conversion.hpp, DigestRange's and OwnerVersion's above (in the unnamed namespace,
// out of reach of ADL).
template <typename T, typename P>
void to_pb(const std::vector<T>& in, RepeatedPtrField<P>& out) {
  out.Reserve(static_cast<int>(in.size()));
  for (const T& v : in) to_pb(v, *out.Add());
}

}  // namespace

void to_pb(const StoreSnapshot& s, pb::StoreSnapshot& out) {
  out.set_owner_hi(s.owner.hi);
  out.set_owner_lo(s.owner.lo);
  out.set_epoch(s.epoch);
  out.set_version(s.version);
  out.set_since(s.since);
  out.set_complete(s.complete);
  to_pb(s.items, *out.mutable_items());
}

namespace {

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

}  // namespace

void to_pb(const Packet& packet, pb::Packet& out) {
  std::visit(BodyToPb{out}, packet.body);
  to_pb(packet.updates, *out.mutable_updates());
  to_pb(packet.deltas, *out.mutable_deltas());
}

}  // namespace convoy::wire
