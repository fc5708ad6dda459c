// The vocabulary of the wire tests: round-trip and totality checks, the envelope around a
// hand-built protobuf message (the way to craft what encode() refuses to make), valid crafted
// messages that each test breaks in one place, and the sample values of docs/protocol.md.
#pragma once

#include "convoy.pb.h"
#include "wire/codec.hpp"
#include "wire_generators.hpp"
#include "wire_printers.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace convoy::wire::test {

inline constexpr std::size_t kDatagram = 1400;
inline constexpr std::size_t kLimit = 1u << 20;

// ---- Checks ----------------------------------------------------------------------------------

/// Asserts (inside a property) that `packet` survives encode -> decode unchanged.
inline void check_round_trip(const Packet& packet) {
  const Bytes bytes = encode(packet);
  const DecodeResult r = decode(bytes, bytes.size());
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == packet);
}

/// Whatever decode() makes of arbitrary bytes must itself be a valid packet: one that encodes
/// and decodes back to itself (so the decoder never hands the core a value the encoder cannot
/// make).
inline void check_decode_is_total(std::span<const std::uint8_t> bytes) {
  const DecodeResult r = decode(bytes, kLimit);
  RC_TAG(r.packet ? std::string_view("decoded") : to_string(r.error));
  if (r.packet) {
    check_round_trip(*r.packet);
  } else {
    RC_ASSERT(static_cast<std::size_t>(r.error) < kDecodeErrorCount);
  }
}

// ---- Crafting bytes --------------------------------------------------------------------------

inline Bytes header(std::uint8_t version = kProtocolVersion) {
  Bytes b(kMagic.begin(), kMagic.end());
  b.push_back(version);
  return b;
}

/// The envelope around a hand-built protobuf message.
inline Bytes wrap(const pb::Packet& msg, std::uint8_t version = kProtocolVersion) {
  Bytes b = header(version);
  const std::string payload = msg.SerializeAsString();
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

/// Why `bytes` is refused (a test failure if it is not).
inline DecodeError error_of(const Bytes& bytes, std::size_t max_size = kLimit) {
  const DecodeResult r = decode(bytes, max_size);
  EXPECT_FALSE(r.packet.has_value()) << "decoded as " << *r.packet;
  return r.error;
}

inline bool decodes(const pb::Packet& msg) {
  return decode(wrap(msg), kLimit).packet.has_value();
}

/// The packet `msg` decodes to; a test failure (and an empty Gossip) if it does not.
inline Packet decoded(const pb::Packet& msg) {
  const DecodeResult r = decode(wrap(msg), kLimit);
  EXPECT_TRUE(r.packet.has_value()) << "refused as " << r.error;
  return r.packet ? *r.packet : Packet{Gossip{}, {}, {}};
}

/// Appends one protobuf field of number `field` to `bytes`: a varint (wire type 0) ...
inline void append_varint(std::string& bytes, std::uint64_t v) {
  while (v >= 0x80) {
    bytes.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  bytes.push_back(static_cast<char>(v));
}
inline void append_varint_field(std::string& bytes, int field, std::uint64_t v) {
  append_varint(bytes, static_cast<std::uint64_t>(field) << 3);
  append_varint(bytes, v);
}
/// ... or length-delimited bytes (wire type 2).
inline void append_bytes_field(std::string& bytes, int field, std::string_view payload) {
  append_varint(bytes, (static_cast<std::uint64_t>(field) << 3) | 2);
  append_varint(bytes, payload.size());
  bytes.append(payload);
}

// ---- Valid crafted messages; tests break one field each ---------------------------------------

inline void fill_valid(pb::MemberUpdate& u) {
  u.set_id_hi(1);
  u.set_id_lo(2);
  u.set_incarnation(3);
  u.set_status(pb::MEMBER_STATUS_ALIVE);
  u.set_ip(std::string(4, '\x7f'));
  u.set_port(7946);
}

inline void fill_valid(pb::StoreItem& i) {
  i.set_key("k");
  i.set_value("v");
  i.set_version(7);
}

inline void fill_valid(pb::OwnerVersion& v) {
  v.set_owner_hi(1);
  v.set_owner_lo(2);
  v.set_epoch(3);
  v.set_version(4);
}

/// A Gossip packet whose single update has been filled in correctly.
inline pb::Packet gossip_with_valid_update() {
  pb::Packet msg;
  msg.mutable_gossip();
  fill_valid(*msg.add_updates());
  return msg;
}

inline pb::Packet gossip_with_valid_delta() {
  pb::Packet msg;
  msg.mutable_gossip();
  pb::StoreDelta& d = *msg.add_deltas();
  d.set_owner_hi(1);
  d.set_owner_lo(2);
  d.set_epoch(3);
  d.set_key("k");
  d.set_value("v");
  d.set_version(7);
  return msg;
}

inline pb::Packet sync_with_valid_snapshot_and_want() {
  pb::Packet msg;
  pb::StoreSync& sync = *msg.mutable_store_sync();
  pb::StoreSnapshot& s = *sync.add_snapshots();
  s.set_owner_hi(1);
  s.set_owner_lo(2);
  s.set_epoch(3);
  s.set_version(9);
  fill_valid(*s.add_items());
  fill_valid(*sync.add_wants());
  return msg;
}

inline pb::Packet valid_ping_req() {
  pb::Packet msg;
  pb::PingReq& p = *msg.mutable_ping_req();
  p.set_seq(1);
  p.set_target_hi(1);
  p.set_target_lo(2);
  p.set_target_ip(std::string(4, '\x0a'));
  p.set_target_port(7946);
  p.set_nack_after_ms(400);
  return msg;
}

inline pb::Packet valid_join_request() {
  pb::Packet msg;
  fill_valid(*msg.mutable_join_request()->mutable_self());
  msg.mutable_join_request()->set_request(0x9e3779b97f4a7c15ULL);
  return msg;
}

/// A join response with one member, one store and the joiner's own store watermark.
inline pb::Packet valid_join_response() {
  pb::Packet msg;
  pb::JoinResponse& r = *msg.mutable_join_response();
  fill_valid(*r.add_members());
  *r.add_stores() = sync_with_valid_snapshot_and_want().store_sync().snapshots(0);
  r.set_request(0x9e3779b97f4a7c15ULL);
  fill_valid(*r.mutable_joiner_store());
  return msg;
}

inline pb::Packet valid_push_pull() {
  pb::Packet msg;
  fill_valid(*msg.mutable_push_pull()->add_members());
  msg.mutable_push_pull()->set_heal(true);
  return msg;
}

inline void fill_valid(pb::DigestRange& r, std::uint32_t level, std::uint32_t index) {
  r.set_level(level);
  r.set_index(index);
  r.set_hash(0x8000000000000001ULL);
}

/// A digest holding the root alone, the way every round opens.
inline pb::Packet valid_digest() {
  pb::Packet msg;
  fill_valid(*msg.mutable_store_digest()->add_ranges(), 0, 0);
  return msg;
}

/// A detail of one level-2 range and one owner.
inline pb::Packet valid_detail() {
  pb::Packet msg;
  pb::StoreDigestDetail& d = *msg.mutable_store_digest_detail();
  fill_valid(*d.add_ranges(), 2, 100);
  d.mutable_ranges(0)->clear_hash();  // unused in a detail
  fill_valid(*d.add_owners());
  return msg;
}

inline pb::Packet valid_write() {
  pb::Packet msg;
  pb::StoreWrite& w = *msg.mutable_store_write();
  w.set_request(11);
  w.set_owner_hi(1);
  w.set_owner_lo(2);
  w.set_key("k");
  w.set_value("v");
  w.set_requester_hi(3);
  w.set_requester_lo(4);
  w.set_expected_epoch(5);
  return msg;
}

inline pb::Packet valid_write_result(pb::StoreWriteResult::Outcome outcome) {
  pb::Packet msg;
  pb::StoreWriteResult& r = *msg.mutable_store_write_result();
  r.set_request(11);
  r.set_outcome(outcome);
  fill_valid(*r.mutable_item());
  r.set_owner_hi(1);
  r.set_owner_lo(2);
  r.set_epoch(5);
  return msg;
}

// ---- The sample values of docs/protocol.md ---------------------------------------------------

/// The sample member's id, also the sample store owner and write requester.
inline constexpr MemberId kSampleId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
/// A store epoch as a running cluster has them: life counter 1 above a 32-bit nonce.
inline constexpr std::uint64_t kSampleEpoch = (std::uint64_t{1} << 32) | 0x9e3779b9ULL;
/// A random request id (join requests and remote writes draw them at random).
inline constexpr std::uint64_t kSampleRequest = 0x9e3779b97f4a7c15ULL;

inline MemberUpdate sample_update(Address::Family family) {
  MemberUpdate u;
  u.id = kSampleId;
  u.incarnation = 5;
  u.status = MemberStatus::alive;
  u.address = family == Address::Family::v4 ? Address::v4(10, 1, 2, 3, 7946)
                                            : *Address::parse("[2001:db8::17]:7946");
  return u;
}

/// The sample delta: the sample member's store, epoch kSampleEpoch, version 42, a 16-byte key
/// and a 32-byte value.
inline StoreDelta sample_delta() {
  return StoreDelta{kSampleId, kSampleEpoch,
                    StoreItem{"service/endpoint", std::string(32, 'v'), 42, false}};
}

}  // namespace convoy::wire::test
