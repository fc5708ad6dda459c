// Codec tests: encode/decode round trips for every message, hostile input, each rejection reason,
// exact sizes and budgeted packing. The codec is the network's front door, so most checks are
// properties over random input rather than a few hand-picked examples.
#include "wire/codec.hpp"

#include "convoy.pb.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

// ---- Printing, so that failures show values rather than byte dumps -----------------------------
// Only wire types get printers, and only here: wire_tests links no other definition of them.

namespace convoy::wire {

std::ostream& operator<<(std::ostream& os, DecodeError e) {
  return os << to_string(e);
}

std::ostream& operator<<(std::ostream& os, const MemberUpdate& u) {
  return os << '{' << u.id.to_string() << " inc=" << u.incarnation << ' ' << to_string(u.status)
            << ' ' << u.address.to_string() << '}';
}

namespace {

void print_members(std::ostream& os, const std::vector<MemberUpdate>& members) {
  os << '[';
  for (const MemberUpdate& m : members) os << m << ' ';
  os << ']';
}

struct BodyPrinter {
  std::ostream& os;
  void operator()(const Ping& b) const {
    os << "Ping{" << b.seq << ' ' << b.target.to_string() << '}';
  }
  void operator()(const Ack& b) const { os << "Ack{" << b.seq << '}'; }
  void operator()(const Nack& b) const { os << "Nack{" << b.seq << '}'; }
  void operator()(const PingReq& b) const {
    os << "PingReq{" << b.seq << ' ' << b.target.to_string() << ' ' << b.target_address.to_string()
       << '}';
  }
  void operator()(const Gossip&) const { os << "Gossip{}"; }
  void operator()(const JoinRequest& b) const { os << "JoinRequest{" << b.self << '}'; }
  void operator()(const JoinResponse& b) const {
    os << "JoinResponse{";
    print_members(os, b.members);
    os << '}';
  }
  void operator()(const PushPull& b) const {
    os << "PushPull{reply=" << b.reply << ' ';
    print_members(os, b.members);
    os << '}';
  }
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Packet& p) {
  std::visit(BodyPrinter{os}, p.body);
  os << " updates=";
  print_members(os, p.updates);
  return os;
}

}  // namespace convoy::wire

// ---- Generators --------------------------------------------------------------------------------

namespace rc {

template <>
struct Arbitrary<convoy::MemberId> {
  static Gen<convoy::MemberId> arbitrary() {
    return gen::apply(
        [](std::uint64_t hi, std::uint64_t lo) {
          return convoy::MemberId{hi, lo};
        },
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::Address> {
  static Gen<convoy::Address> arbitrary() {
    // Only addresses that keep Address's invariant (IPv4 leaves bytes 4..15 zero): the codec
    // sends ip_size() bytes, so anything else could not round-trip and is not a valid value.
    auto of_family = [](convoy::Address::Family family, std::size_t n) {
      return gen::apply(
          [family](const std::vector<std::uint8_t>& ip, std::uint16_t port) {
            convoy::Address a;
            std::copy(ip.begin(), ip.end(), a.ip.begin());
            a.port = port;
            a.family = family;
            return a;
          },
          gen::container<std::vector<std::uint8_t>>(n, gen::arbitrary<std::uint8_t>()),
          gen::arbitrary<std::uint16_t>());
    };
    return gen::oneOf(of_family(convoy::Address::Family::v4, 4),
                      of_family(convoy::Address::Family::v6, 16));
  }
};

template <>
struct Arbitrary<convoy::wire::MemberUpdate> {
  static Gen<convoy::wire::MemberUpdate> arbitrary() {
    using convoy::MemberStatus;
    return gen::apply(
        [](convoy::MemberId id, std::uint64_t inc, MemberStatus s, convoy::Address a) {
          return convoy::wire::MemberUpdate{id, inc, s, a};
        },
        // No real member has the nil id, and decode rejects it.
        gen::suchThat(gen::arbitrary<convoy::MemberId>(),
                      [](const convoy::MemberId& id) { return !id.is_nil(); }),
        gen::arbitrary<std::uint64_t>(),
        gen::element(MemberStatus::alive, MemberStatus::suspect, MemberStatus::dead,
                     MemberStatus::left),
        gen::arbitrary<convoy::Address>());
  }
};

template <>
struct Arbitrary<convoy::wire::Ping> {
  static Gen<convoy::wire::Ping> arbitrary() {
    return gen::apply(
        [](std::uint64_t seq, convoy::MemberId target) {
          return convoy::wire::Ping{seq, target};
        },
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<convoy::MemberId>());
  }
};

template <>
struct Arbitrary<convoy::wire::Ack> {
  static Gen<convoy::wire::Ack> arbitrary() {
    return gen::map(gen::arbitrary<std::uint64_t>(),
                    [](std::uint64_t seq) { return convoy::wire::Ack{seq}; });
  }
};

template <>
struct Arbitrary<convoy::wire::Nack> {
  static Gen<convoy::wire::Nack> arbitrary() {
    return gen::map(gen::arbitrary<std::uint64_t>(),
                    [](std::uint64_t seq) { return convoy::wire::Nack{seq}; });
  }
};

template <>
struct Arbitrary<convoy::wire::PingReq> {
  static Gen<convoy::wire::PingReq> arbitrary() {
    return gen::apply(
        [](std::uint64_t seq, convoy::MemberId target, convoy::Address a) {
          return convoy::wire::PingReq{seq, target, a};
        },
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<convoy::MemberId>(),
        gen::arbitrary<convoy::Address>());
  }
};

template <>
struct Arbitrary<convoy::wire::Gossip> {
  static Gen<convoy::wire::Gossip> arbitrary() { return gen::just(convoy::wire::Gossip{}); }
};

template <>
struct Arbitrary<convoy::wire::JoinRequest> {
  static Gen<convoy::wire::JoinRequest> arbitrary() {
    return gen::map(gen::arbitrary<convoy::wire::MemberUpdate>(),
                    [](convoy::wire::MemberUpdate u) { return convoy::wire::JoinRequest{u}; });
  }
};

template <>
struct Arbitrary<convoy::wire::JoinResponse> {
  static Gen<convoy::wire::JoinResponse> arbitrary() {
    return gen::map(gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>(),
                    [](std::vector<convoy::wire::MemberUpdate> m) {
                      return convoy::wire::JoinResponse{std::move(m)};
                    });
  }
};

template <>
struct Arbitrary<convoy::wire::PushPull> {
  static Gen<convoy::wire::PushPull> arbitrary() {
    return gen::apply(
        [](bool reply, std::vector<convoy::wire::MemberUpdate> m) {
          return convoy::wire::PushPull{reply, std::move(m)};
        },
        gen::arbitrary<bool>(), gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>());
  }
};

template <>
struct Arbitrary<convoy::wire::Body> {
  static Gen<convoy::wire::Body> arbitrary() {
    using namespace convoy::wire;
    return gen::oneOf(
        gen::cast<Body>(gen::arbitrary<Ping>()), gen::cast<Body>(gen::arbitrary<Ack>()),
        gen::cast<Body>(gen::arbitrary<Nack>()), gen::cast<Body>(gen::arbitrary<PingReq>()),
        gen::cast<Body>(gen::arbitrary<Gossip>()), gen::cast<Body>(gen::arbitrary<JoinRequest>()),
        gen::cast<Body>(gen::arbitrary<JoinResponse>()),
        gen::cast<Body>(gen::arbitrary<PushPull>()));
  }
};

template <>
struct Arbitrary<convoy::wire::Packet> {
  static Gen<convoy::wire::Packet> arbitrary() {
    return gen::apply(
        [](convoy::wire::Body body, std::vector<convoy::wire::MemberUpdate> updates) {
          return convoy::wire::Packet{std::move(body), std::move(updates)};
        },
        gen::arbitrary<convoy::wire::Body>(),
        gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>());
  }
};

}  // namespace rc

namespace convoy::wire {
namespace {

constexpr std::size_t kDatagram = 1400;
constexpr std::size_t kLimit = 1u << 20;

// Asserts that `packet` survives encode -> decode unchanged.
void check_round_trip(const Packet& packet) {
  const Bytes bytes = encode(packet);
  const DecodeResult r = decode(bytes, bytes.size());
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == packet);
}

// Whatever decode() makes of arbitrary bytes must itself be a valid packet: one that encodes and
// decodes back to itself (so the decoder never hands the core a value the encoder cannot make).
void check_decode_is_total(std::span<const std::uint8_t> bytes) {
  const DecodeResult r = decode(bytes, kLimit);
  RC_TAG(r.packet ? std::string_view("decoded") : to_string(r.error));
  if (r.packet) {
    check_round_trip(*r.packet);
  } else {
    RC_ASSERT(static_cast<std::size_t>(r.error) < kDecodeErrorCount);
  }
}

Bytes header(std::uint8_t version = kProtocolVersion) {
  Bytes b(kMagic.begin(), kMagic.end());
  b.push_back(version);
  return b;
}

// Envelope around a hand-built protobuf message: the way to craft what encode() refuses to make.
Bytes wrap(const pb::Packet& msg) {
  Bytes b = header();
  const std::string payload = msg.SerializeAsString();
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

DecodeError error_of(const Bytes& bytes, std::size_t max_size = kLimit) {
  const DecodeResult r = decode(bytes, max_size);
  EXPECT_FALSE(r.packet.has_value());
  return r.error;
}

// A Gossip packet whose single update has been filled in correctly; tests then break one field.
pb::Packet gossip_with_valid_update() {
  pb::Packet msg;
  msg.mutable_gossip();
  pb::MemberUpdate& u = *msg.add_updates();
  u.set_id_hi(1);
  u.set_id_lo(2);
  u.set_incarnation(3);
  u.set_status(pb::MEMBER_STATUS_ALIVE);
  u.set_ip(std::string(4, '\x7f'));
  u.set_port(7946);
  return msg;
}

MemberUpdate sample_update(Address::Family family) {
  MemberUpdate u;
  u.id = MemberId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  u.incarnation = 5;
  u.status = MemberStatus::alive;
  u.address = family == Address::Family::v4 ? Address::v4(10, 1, 2, 3, 7946)
                                            : *Address::parse("[2001:db8::17]:7946");
  return u;
}

// ---- Round trips ------------------------------------------------------------------------------

RC_GTEST_PROP(CodecRoundTrip, AnyPacket, (const Packet& packet)) {
  check_round_trip(packet);
}

// One property per body type, so that each is exercised many times whatever oneOf picks.
template <typename B>
void check_body(const B& body, const std::vector<MemberUpdate>& updates) {
  check_round_trip(Packet{body, updates});
}
RC_GTEST_PROP(CodecRoundTrip, Ping, (const Ping& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, Ack, (const Ack& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, Nack, (const Nack& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, PingReq, (const PingReq& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, Gossip, (const std::vector<MemberUpdate>& u)) {
  check_body(Gossip{}, u);
}
RC_GTEST_PROP(CodecRoundTrip, JoinRequest,
              (const JoinRequest& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, JoinResponse,
              (const JoinResponse& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}
RC_GTEST_PROP(CodecRoundTrip, PushPull, (const PushPull& b, const std::vector<MemberUpdate>& u)) {
  check_body(b, u);
}

TEST(CodecRoundTrip, ExtremeValues) {
  MemberUpdate u;
  u.id = MemberId{~0ULL, ~0ULL};
  u.incarnation = ~0ULL;
  u.status = MemberStatus::left;
  u.address = *Address::parse("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
  const Packet p{PushPull{true, {u, u}}, {u}};
  const Bytes bytes = encode(p);
  const DecodeResult r = decode(bytes, bytes.size());
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(*r.packet, p);
}

TEST(CodecRoundTrip, EnvelopeIsMagicThenVersion) {
  const Bytes bytes = encode(Packet{Ack{1}, {}});
  ASSERT_GE(bytes.size(), kEnvelopeHeaderSize);
  EXPECT_TRUE(std::equal(kMagic.begin(), kMagic.end(), bytes.begin()));
  EXPECT_EQ(bytes[4], kProtocolVersion);
}

// ---- Hostile input ------------------------------------------------------------------------------

RC_GTEST_PROP(CodecHostile, RandomBytesNeverCrash, (const std::vector<std::uint8_t>& bytes)) {
  check_decode_is_total(bytes);
}

RC_GTEST_PROP(CodecHostile, RandomPayloadBehindValidHeader,
              (const std::vector<std::uint8_t>& payload)) {
  Bytes bytes = header();
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  check_decode_is_total(bytes);
}

// Random bytes rarely get past protobuf's parser; corrupting a real packet reaches the validation
// code behind it far more often.
RC_GTEST_PROP(CodecHostile, CorruptedPacketsNeverCrash, (const Packet& packet)) {
  Bytes bytes = encode(packet);
  const auto edits = *rc::gen::inRange<int>(1, 4);
  for (int i = 0; i < edits; ++i) {
    const auto pos = *rc::gen::inRange<std::size_t>(kEnvelopeHeaderSize, bytes.size() + 1);
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        if (pos < bytes.size()) bytes[pos] = *rc::gen::arbitrary<std::uint8_t>();
        break;
      case 1:
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                     *rc::gen::arbitrary<std::uint8_t>());
        break;
      default:
        if (pos < bytes.size()) bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(pos));
        break;
    }
  }
  check_decode_is_total(bytes);
}

// ---- Every rejection reason, from a crafted input ---------------------------------------------

TEST(CodecReject, TooShort) {
  EXPECT_EQ(error_of({}), DecodeError::too_short);
  EXPECT_EQ(error_of({'C', 'N', 'V', 'Y'}), DecodeError::too_short);
  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}});
  truncated.resize(3);
  EXPECT_EQ(error_of(truncated), DecodeError::too_short);
}

TEST(CodecReject, ForeignMagic) {
  Bytes bytes = encode(Packet{Gossip{}, {}});
  bytes[0] = 'X';
  EXPECT_EQ(error_of(bytes), DecodeError::bad_magic);
  EXPECT_EQ(error_of({'c', 'n', 'v', 'y', kProtocolVersion}), DecodeError::bad_magic);
}

TEST(CodecReject, UnsupportedVersion) {
  Bytes bytes = encode(Packet{Gossip{}, {}});
  bytes[4] = 2;
  EXPECT_EQ(error_of(bytes), DecodeError::unsupported_version);
  bytes[4] = 0;
  EXPECT_EQ(error_of(bytes), DecodeError::unsupported_version);
}

TEST(CodecReject, Oversized) {
  const Bytes bytes = encode(Packet{Gossip{}, {sample_update(Address::Family::v4)}});
  EXPECT_TRUE(decode(bytes, bytes.size()).packet.has_value());
  EXPECT_EQ(error_of(bytes, bytes.size() - 1), DecodeError::oversized);
  // The size check comes first: an oversized input is not even looked at.
  EXPECT_EQ(error_of({'X', 'X', 'X'}, 2), DecodeError::oversized);
}

TEST(CodecReject, GarbagePayloadIsMalformed) {
  Bytes bytes = header();
  // Field 1, length-delimited, claims 5 bytes and has 1.
  bytes.insert(bytes.end(), {0x0a, 0x05, 0x01});
  EXPECT_EQ(error_of(bytes), DecodeError::malformed);

  Bytes bad_tag = header();
  bad_tag.insert(bad_tag.end(), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  EXPECT_EQ(error_of(bad_tag), DecodeError::malformed);

  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}});
  truncated.pop_back();
  EXPECT_EQ(error_of(truncated), DecodeError::malformed);
}

TEST(CodecReject, NoBodyIsInvalid) {
  EXPECT_EQ(error_of(header()), DecodeError::invalid);  // the empty protobuf message
  pb::Packet msg = gossip_with_valid_update();
  msg.clear_body();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

TEST(CodecReject, BadIpLengthIsInvalid) {
  ASSERT_TRUE(decode(wrap(gossip_with_valid_update()), kLimit).packet.has_value());
  for (std::size_t n : {0, 3, 5, 15, 17}) {
    pb::Packet msg = gossip_with_valid_update();
    msg.mutable_updates(0)->set_ip(std::string(n, '\x01'));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << n << " bytes";
  }
  pb::Packet req;
  req.mutable_ping_req()->set_target_ip("12345");
  EXPECT_EQ(error_of(wrap(req)), DecodeError::invalid);
}

TEST(CodecReject, BadStatusIsInvalid) {
  for (int status : {0, 5, 100, -1}) {
    pb::Packet msg = gossip_with_valid_update();
    msg.mutable_updates(0)->set_status(static_cast<pb::MemberStatus>(status));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << "status " << status;
  }
}

TEST(CodecReject, PortAboveRangeIsInvalid) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_port(65536);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

TEST(CodecReject, NilMemberIdIsInvalid) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_id_hi(0);
  msg.mutable_updates(0)->set_id_lo(0);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

TEST(CodecReject, InvalidMemberInsideABodyIsInvalid) {
  pb::Packet msg;
  msg.mutable_join_request();  // no `self`
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);

  pb::Packet resp = gossip_with_valid_update();
  *resp.mutable_push_pull()->add_members() = resp.updates(0);
  resp.mutable_push_pull()->mutable_members(0)->set_port(1u << 20);
  EXPECT_EQ(error_of(wrap(resp)), DecodeError::invalid);
}

TEST(CodecReject, UnknownFieldsAreSkipped) {
  // Forward compatibility: a newer member's extra fields must not make us drop its packets.
  pb::Packet msg = gossip_with_valid_update();
  Bytes bytes = wrap(msg);
  bytes.insert(bytes.end(), {0x10, 0x2a});  // field 2 (free for store deltas), varint 42
  const DecodeResult r = decode(bytes, kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->updates.size(), 1u);
}

TEST(CodecReject, EveryReasonHasAName) {
  for (std::size_t i = 0; i < kDecodeErrorCount; ++i) {
    EXPECT_NE(to_string(static_cast<DecodeError>(i)), "unknown") << i;
  }
}

// ---- Sizes and packing ------------------------------------------------------------------------

RC_GTEST_PROP(CodecSize, EncodedSizeIsExact, (const Packet& packet, const MemberUpdate& u)) {
  Packet more = packet;
  more.updates.push_back(u);
  RC_ASSERT(encode(more).size() == encode(packet).size() + encoded_size(u));
}

RC_GTEST_PROP(Packer, StaysWithinBudgetAndPacksAllThatFit,
              (const Packet& base, const std::vector<MemberUpdate>& candidates)) {
  const std::size_t bare = encode(base).size();
  const std::size_t budget = bare + *rc::gen::inRange<std::size_t>(0, kDatagram);
  wire::Packer packer(base, budget);
  RC_ASSERT(packer.size() == bare);

  Packet expected = base;
  for (const MemberUpdate& u : candidates) {
    const std::size_t before = packer.size();
    const std::size_t n = encoded_size(u);
    if (packer.try_add(u)) {
      expected.updates.push_back(u);
      RC_ASSERT(packer.size() == before + n);
    } else {
      // Rejected only because it does not fit, and rejection changes nothing.
      RC_ASSERT(before + n > budget);
      RC_ASSERT(packer.size() == before);
    }
    RC_ASSERT(packer.size() <= budget);
    RC_ASSERT(packer.remaining() == budget - packer.size());
  }
  RC_ASSERT(packer.packet() == expected);
  const Bytes bytes = packer.finish();
  RC_ASSERT(bytes.size() == packer.size());
  const DecodeResult r = decode(bytes, budget);
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == expected);
}

TEST(Packer, BarePacketOverBudgetTakesNothing) {
  const Packet p{PushPull{false, {sample_update(Address::Family::v6)}}, {}};
  wire::Packer packer(p, 10);
  EXPECT_EQ(packer.remaining(), 0u);
  EXPECT_FALSE(packer.try_add(sample_update(Address::Family::v4)));
  EXPECT_EQ(packer.finish(), encode(p));
  EXPECT_EQ(packer.size(), encode(p).size());
}

TEST(Packer, FillsADatagramExactlyToTheLastUpdateThatFits) {
  wire::Packer packer(Packet{Gossip{}, {}}, kDatagram);
  const MemberUpdate u = sample_update(Address::Family::v4);
  while (packer.try_add(u)) {
  }
  EXPECT_LT(packer.remaining(), encoded_size(u));
  EXPECT_EQ(packer.finish().size(), packer.size());
}

// The figures quoted in docs/protocol.md ("Sizes"). If this fails, the schema or the conversion
// changed: update the document together with these numbers.
TEST(WireSizes, DocumentedFigures) {
  const MemberUpdate v4 = sample_update(Address::Family::v4);
  const MemberUpdate v6 = sample_update(Address::Family::v6);
  EXPECT_EQ(encoded_size(v4), 33u);
  EXPECT_EQ(encoded_size(v6), 45u);

  MemberUpdate worst = v6;
  worst.id = MemberId{~0ULL, ~0ULL};
  worst.incarnation = ~0ULL;
  worst.address.port = 65535;
  EXPECT_EQ(encoded_size(worst), 55u);
  worst.address = Address::v4(255, 255, 255, 255, 65535);
  EXPECT_EQ(encoded_size(worst), 43u);

  const MemberId target{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(encode(Packet{Gossip{}, {}}).size(), 7u);
  EXPECT_EQ(encode(Packet{Ack{1000}, {}}).size(), 10u);
  EXPECT_EQ(encode(Packet{Nack{1000}, {}}).size(), 10u);
  EXPECT_EQ(encode(Packet{Ping{1000, target}, {}}).size(), 28u);
  EXPECT_EQ(encode(Packet{PingReq{1000, target, v4.address}, {}}).size(), 37u);

  auto fill = [](const Body& body, const MemberUpdate& u) {
    wire::Packer packer(Packet{body, {}}, kDatagram);
    std::size_t n = 0;
    while (packer.try_add(u)) ++n;
    return n;
  };
  EXPECT_EQ(fill(Gossip{}, v4), 42u);
  EXPECT_EQ(fill(Gossip{}, v6), 30u);
  EXPECT_EQ(fill(Ping{1000, target}, v4), 41u);
  EXPECT_EQ(fill(Ping{1000, target}, v6), 30u);
  EXPECT_EQ(fill(Ack{1000}, v4), 42u);
  EXPECT_EQ(fill(Gossip{}, worst), 32u);
}

}  // namespace
}  // namespace convoy::wire
