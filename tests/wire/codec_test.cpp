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
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
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

// Keys and values are arbitrary bytes: printed escaped, and long ones cut short.
struct Quoted {
  std::string_view bytes;
};

std::ostream& operator<<(std::ostream& os, Quoted q) {
  constexpr std::size_t kShown = 24;
  os << '"';
  for (std::size_t i = 0; i < std::min(q.bytes.size(), kShown); ++i) {
    const auto c = static_cast<unsigned char>(q.bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      os << static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      os << hex;
    }
  }
  os << '"';
  if (q.bytes.size() > kShown) os << "...(" << q.bytes.size() << " bytes)";
  return os;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const StoreItem& i) {
  return os << '{' << Quoted{i.key} << " v" << i.version << ' '
            << (i.deleted ? std::string("deleted") : "=") << Quoted{i.value} << '}';
}

std::ostream& operator<<(std::ostream& os, const StoreDelta& d) {
  return os << '{' << d.owner.to_string() << " e" << d.epoch << ' ' << d.item << '}';
}

std::ostream& operator<<(std::ostream& os, const OwnerVersion& v) {
  return os << '{' << v.owner.to_string() << " e" << v.epoch << " v" << v.version << '}';
}

std::ostream& operator<<(std::ostream& os, const StoreSnapshot& s) {
  os << '{' << s.owner.to_string() << " e" << s.epoch << " v" << s.version << " since " << s.since
     << (s.complete ? " complete [" : " [");
  for (const StoreItem& i : s.items) os << i << ' ';
  return os << "]}";
}

namespace {

template <typename T>
void print_list(std::ostream& os, const std::vector<T>& list) {
  os << '[';
  for (const T& v : list) os << v << ' ';
  os << ']';
}

void print_members(std::ostream& os, const std::vector<MemberUpdate>& members) {
  print_list(os, members);
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
    os << " stores=";
    print_list(os, b.stores);
    os << '}';
  }
  void operator()(const PushPull& b) const {
    os << "PushPull{reply=" << b.reply << ' ';
    print_members(os, b.members);
    os << '}';
  }
  void operator()(const StoreDigest& b) const {
    os << "StoreDigest{" << b.buckets.size() << " buckets}";
  }
  void operator()(const StoreDigestDetail& b) const {
    os << "StoreDigestDetail{";
    print_list(os, b.buckets);
    os << ' ';
    print_list(os, b.owners);
    os << '}';
  }
  void operator()(const StoreSync& b) const {
    os << "StoreSync{";
    print_list(os, b.snapshots);
    os << " wants=";
    print_list(os, b.wants);
    os << '}';
  }
  void operator()(const StoreWrite& b) const {
    os << "StoreWrite{" << b.request << ' ' << b.owner.to_string() << ' ' << Quoted{b.key}
       << (b.erase ? std::string(" erase") : " =") << Quoted{b.value} << " expect "
       << b.expected_version << '}';
  }
  void operator()(const StoreWriteResult& b) const {
    os << "StoreWriteResult{" << b.request << " outcome " << static_cast<int>(b.outcome) << ' '
       << b.item << ' ' << Quoted{b.error} << '}';
  }
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Packet& p) {
  std::visit(BodyPrinter{os}, p.body);
  os << " updates=";
  print_members(os, p.updates);
  os << " deltas=";
  print_list(os, p.deltas);
  return os;
}

}  // namespace convoy::wire

// ---- Generators --------------------------------------------------------------------------------

namespace convoy::wire::testgen {

using rc::Gen;
namespace gen = rc::gen;

// Any bytes, not only text: keys and values are protobuf `bytes`, so invalid UTF-8 must survive.
inline Gen<std::string> bytes(std::size_t n) {
  return gen::container<std::string>(n, gen::arbitrary<char>());
}
inline Gen<std::string> bytes() {
  return gen::container<std::string>(gen::arbitrary<char>());
}

// Valid keys, 1..256 bytes: mostly short, sometimes anywhere up to the limit (random sizes stay
// far below it otherwise).
inline Gen<std::string> key() {
  return gen::weightedOneOf<std::string>(
      {{6, gen::apply(
               [](char first, std::string rest) {
                 rest.insert(rest.begin(), first);
                 rest.resize(std::min<std::size_t>(rest.size(), 256));
                 return rest;
               },
               gen::arbitrary<char>(), bytes())},
       {1,
        gen::mapcat(gen::inRange<std::size_t>(1, 257), [](std::size_t n) { return bytes(n); })}});
}

// Values: the codec puts no limit on them; long ones take 2-byte length prefixes.
inline Gen<std::string> value() {
  return gen::weightedOneOf<std::string>(
      {{6, bytes()}, {1, gen::mapcat(gen::inRange<std::size_t>(100, 3000), [](std::size_t n) {
                        return bytes(n);
                      })}});
}

inline Gen<MemberId> owner() {
  // No store belongs to the nil id, and decode rejects it.
  return gen::suchThat(gen::apply(
                           [](std::uint64_t hi, std::uint64_t lo) {
                             return MemberId{hi, lo};
                           },
                           gen::arbitrary<std::uint64_t>(), gen::arbitrary<std::uint64_t>()),
                       [](const MemberId& id) { return !id.is_nil(); });
}

// A StoreItem with `key_gen`'s key. Tombstones have no value (decode rejects one that has).
inline Gen<StoreItem> item(Gen<std::string> key_gen) {
  return gen::apply(
      [](std::string k, std::string v, std::uint64_t version, bool deleted) {
        if (deleted) v.clear();
        return StoreItem{std::move(k), std::move(v), version, deleted};
      },
      std::move(key_gen), value(), gen::arbitrary<std::uint64_t>(), gen::arbitrary<bool>());
}

// The item of a failed StoreWriteResult: any key, including empty and over-long ones (the
// failure may be about the key itself).
inline Gen<StoreItem> failed_item() {
  return item(gen::weightedOneOf<std::string>(
      {{4, bytes()}, {1, gen::just(std::string())}, {1, bytes(300)}}));
}

}  // namespace convoy::wire::testgen

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
                     MemberStatus::left, MemberStatus::evicted),
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
struct Arbitrary<convoy::wire::StoreItem> {
  static Gen<convoy::wire::StoreItem> arbitrary() {
    return convoy::wire::testgen::item(convoy::wire::testgen::key());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreDelta> {
  static Gen<convoy::wire::StoreDelta> arbitrary() {
    return gen::apply(
        [](convoy::MemberId owner, std::uint64_t epoch, convoy::wire::StoreItem item) {
          return convoy::wire::StoreDelta{owner, epoch, std::move(item)};
        },
        convoy::wire::testgen::owner(), gen::arbitrary<std::uint64_t>(),
        gen::arbitrary<convoy::wire::StoreItem>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreSnapshot> {
  static Gen<convoy::wire::StoreSnapshot> arbitrary() {
    return gen::apply(
        [](convoy::MemberId owner, std::uint64_t epoch, std::uint64_t version, std::uint64_t since,
           bool complete, std::vector<convoy::wire::StoreItem> items) {
          return convoy::wire::StoreSnapshot{owner, epoch,    version,
                                             since, complete, std::move(items)};
        },
        convoy::wire::testgen::owner(), gen::arbitrary<std::uint64_t>(),
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<std::uint64_t>(), gen::arbitrary<bool>(),
        // Snapshots come in lists: scaled down so that a list of lists stays quick to generate.
        gen::scale(0.3, gen::arbitrary<std::vector<convoy::wire::StoreItem>>()));
  }
};

template <>
struct Arbitrary<convoy::wire::OwnerVersion> {
  static Gen<convoy::wire::OwnerVersion> arbitrary() {
    return gen::apply(
        [](convoy::MemberId owner, std::uint64_t epoch, std::uint64_t version) {
          return convoy::wire::OwnerVersion{owner, epoch, version};
        },
        convoy::wire::testgen::owner(), gen::arbitrary<std::uint64_t>(),
        gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::wire::JoinResponse> {
  static Gen<convoy::wire::JoinResponse> arbitrary() {
    return gen::apply(
        [](std::vector<convoy::wire::MemberUpdate> m, std::vector<convoy::wire::StoreSnapshot> s) {
          return convoy::wire::JoinResponse{std::move(m), std::move(s)};
        },
        gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>(),
        gen::scale(0.3, gen::arbitrary<std::vector<convoy::wire::StoreSnapshot>>()));
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
struct Arbitrary<convoy::wire::StoreDigest> {
  static Gen<convoy::wire::StoreDigest> arbitrary() {
    // 1..4096 buckets: mostly few, sometimes exactly the limit.
    auto buckets = gen::weightedOneOf<std::vector<std::uint64_t>>(
        {{8, gen::mapcat(gen::inRange<std::size_t>(1, 129),
                         [](std::size_t n) {
                           return gen::container<std::vector<std::uint64_t>>(
                               n, gen::arbitrary<std::uint64_t>());
                         })},
         {1, gen::container<std::vector<std::uint64_t>>(4096, gen::arbitrary<std::uint64_t>())}});
    return gen::map(std::move(buckets), [](std::vector<std::uint64_t> b) {
      return convoy::wire::StoreDigest{std::move(b)};
    });
  }
};

template <>
struct Arbitrary<convoy::wire::StoreDigestDetail> {
  static Gen<convoy::wire::StoreDigestDetail> arbitrary() {
    return gen::apply(
        [](std::vector<std::uint32_t> b, std::vector<convoy::wire::OwnerVersion> o) {
          return convoy::wire::StoreDigestDetail{std::move(b), std::move(o)};
        },
        gen::arbitrary<std::vector<std::uint32_t>>(),
        gen::arbitrary<std::vector<convoy::wire::OwnerVersion>>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreSync> {
  static Gen<convoy::wire::StoreSync> arbitrary() {
    return gen::apply(
        [](std::vector<convoy::wire::StoreSnapshot> s, std::vector<convoy::wire::OwnerVersion> w) {
          return convoy::wire::StoreSync{std::move(s), std::move(w)};
        },
        gen::scale(0.3, gen::arbitrary<std::vector<convoy::wire::StoreSnapshot>>()),
        gen::arbitrary<std::vector<convoy::wire::OwnerVersion>>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreWrite> {
  static Gen<convoy::wire::StoreWrite> arbitrary() {
    return gen::apply(
        [](std::uint64_t request, convoy::MemberId owner, std::string key, std::string value,
           std::uint64_t expected, bool erase) {
          return convoy::wire::StoreWrite{request,          owner,    std::move(key),
                                          std::move(value), expected, erase};
        },
        gen::arbitrary<std::uint64_t>(), convoy::wire::testgen::owner(),
        convoy::wire::testgen::key(), convoy::wire::testgen::value(),
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<bool>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreWriteResult> {
  static Gen<convoy::wire::StoreWriteResult> arbitrary() {
    using Outcome = convoy::wire::StoreWriteResult::Outcome;
    return gen::mapcat(
        gen::element(Outcome::done, Outcome::conflict, Outcome::failed), [](Outcome outcome) {
          return gen::apply(
              [outcome](std::uint64_t request, convoy::wire::StoreItem item, std::string error) {
                return convoy::wire::StoreWriteResult{request, outcome, std::move(item),
                                                      std::move(error)};
              },
              gen::arbitrary<std::uint64_t>(),
              outcome == Outcome::failed ? convoy::wire::testgen::failed_item()
                                         : gen::arbitrary<convoy::wire::StoreItem>(),
              convoy::wire::testgen::bytes());
        });
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
        gen::cast<Body>(gen::arbitrary<PushPull>()), gen::cast<Body>(gen::arbitrary<StoreDigest>()),
        gen::cast<Body>(gen::arbitrary<StoreDigestDetail>()),
        gen::cast<Body>(gen::arbitrary<StoreSync>()), gen::cast<Body>(gen::arbitrary<StoreWrite>()),
        gen::cast<Body>(gen::arbitrary<StoreWriteResult>()));
  }
};

template <>
struct Arbitrary<convoy::wire::Packet> {
  static Gen<convoy::wire::Packet> arbitrary() {
    return gen::apply(
        [](convoy::wire::Body body, std::vector<convoy::wire::MemberUpdate> updates,
           std::vector<convoy::wire::StoreDelta> deltas) {
          return convoy::wire::Packet{std::move(body), std::move(updates), std::move(deltas)};
        },
        gen::arbitrary<convoy::wire::Body>(),
        gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>(),
        gen::arbitrary<std::vector<convoy::wire::StoreDelta>>());
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

// The sample owner and store delta of the documented figures: the sample member's id, a small
// epoch and version, a 16-byte key and a 32-byte value.
constexpr MemberId kSampleOwner{0x0123456789abcdefULL, 0xfedcba9876543210ULL};

StoreDelta sample_delta() {
  return StoreDelta{kSampleOwner, 5,
                    StoreItem{"service/endpoint", std::string(32, 'v'), 42, false}};
}

// Valid hand-built protobuf store messages; tests break one field each.
void fill_valid(pb::StoreItem& i) {
  i.set_key("k");
  i.set_value("v");
  i.set_version(7);
}

pb::Packet gossip_with_valid_delta() {
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

pb::Packet sync_with_valid_snapshot_and_want() {
  pb::Packet msg;
  pb::StoreSync& sync = *msg.mutable_store_sync();
  pb::StoreSnapshot& s = *sync.add_snapshots();
  s.set_owner_hi(1);
  s.set_owner_lo(2);
  s.set_epoch(3);
  s.set_version(9);
  fill_valid(*s.add_items());
  pb::OwnerVersion& w = *sync.add_wants();
  w.set_owner_hi(1);
  w.set_owner_lo(2);
  w.set_version(4);
  return msg;
}

pb::Packet valid_write() {
  pb::Packet msg;
  pb::StoreWrite& w = *msg.mutable_store_write();
  w.set_request(11);
  w.set_owner_hi(1);
  w.set_owner_lo(2);
  w.set_key("k");
  w.set_value("v");
  return msg;
}

pb::Packet valid_write_result(pb::StoreWriteResult::Outcome outcome) {
  pb::Packet msg;
  pb::StoreWriteResult& r = *msg.mutable_store_write_result();
  r.set_request(11);
  r.set_outcome(outcome);
  fill_valid(*r.mutable_item());
  return msg;
}

bool decodes(const pb::Packet& msg) {
  return decode(wrap(msg), kLimit).packet.has_value();
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

// One property per body type, so that each is exercised many times whatever oneOf picks. The
// piggybacked lists are scaled down: the body is what each property is about.
template <typename B>
void check_body(const B& body) {
  const auto updates = *rc::gen::scale(0.3, rc::gen::arbitrary<std::vector<MemberUpdate>>());
  const auto deltas = *rc::gen::scale(0.3, rc::gen::arbitrary<std::vector<StoreDelta>>());
  check_round_trip(Packet{body, updates, deltas});
}
RC_GTEST_PROP(CodecRoundTrip, Ping, (const Ping& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, Ack, (const Ack& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, Nack, (const Nack& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, PingReq, (const PingReq& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, Gossip, ()) {
  check_body(Gossip{});
}
RC_GTEST_PROP(CodecRoundTrip, JoinRequest, (const JoinRequest& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, JoinResponse, (const JoinResponse& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, PushPull, (const PushPull& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, StoreDigest, (const StoreDigest& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, StoreDigestDetail, (const StoreDigestDetail& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, StoreSync, (const StoreSync& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, StoreWrite, (const StoreWrite& b)) {
  check_body(b);
}
RC_GTEST_PROP(CodecRoundTrip, StoreWriteResult, (const StoreWriteResult& b)) {
  check_body(b);
}

// Both piggybacked lists at once, neither empty: they are separate fields and must not mix.
RC_GTEST_PROP(CodecRoundTrip, UpdatesAndDeltasTogether,
              (const Body& body, const MemberUpdate& u, const StoreDelta& d)) {
  auto updates = *rc::gen::arbitrary<std::vector<MemberUpdate>>();
  auto deltas = *rc::gen::arbitrary<std::vector<StoreDelta>>();
  updates.push_back(u);
  deltas.push_back(d);
  check_round_trip(Packet{body, std::move(updates), std::move(deltas)});
}

TEST(CodecRoundTrip, ExtremeValues) {
  MemberUpdate u;
  u.id = MemberId{~0ULL, ~0ULL};
  u.incarnation = ~0ULL;
  u.status = MemberStatus::left;
  u.address = *Address::parse("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
  const Packet p{PushPull{true, {u, u}}, {u}, {}};
  const Bytes bytes = encode(p);
  const DecodeResult r = decode(bytes, bytes.size());
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(*r.packet, p);
}

TEST(CodecRoundTrip, StoreExtremes) {
  const std::uint64_t max = ~0ULL;
  const StoreItem longest{std::string(256, '\xff'), std::string(20000, '\0'), max, false};
  const StoreItem tombstone{"\xc0\x80 not UTF-8", "", max, true};
  const StoreDelta delta{MemberId{max, max}, max, longest};
  const StoreSnapshot snap{MemberId{0, 1}, max, max, max, true, {longest, tombstone}};
  const OwnerVersion ov{MemberId{1, 0}, max, max};
  const std::vector<Body> bodies = {
      JoinResponse{{sample_update(Address::Family::v6)}, {snap, snap}},
      StoreDigest{std::vector<std::uint64_t>(4096, max)},
      StoreDigestDetail{{0, 4095, ~0U}, {ov}},
      StoreSync{{snap}, {ov, ov}},
      StoreWrite{max, MemberId{max, max}, longest.key, longest.value, max, true},
      StoreWriteResult{max, StoreWriteResult::Outcome::conflict, tombstone, "\xff"},
      // A failed write may echo back the key it failed on, valid or not.
      StoreWriteResult{max, StoreWriteResult::Outcome::failed, StoreItem{}, "empty key"},
      StoreWriteResult{1, StoreWriteResult::Outcome::failed,
                       StoreItem{std::string(300, 'k'), "v", 0, false}, "key too long"},
  };
  for (const Body& body : bodies) {
    const Packet p{body, {sample_update(Address::Family::v4)}, {delta, delta}};
    const Bytes bytes = encode(p);
    const DecodeResult r = decode(bytes, bytes.size());
    ASSERT_TRUE(r.packet.has_value()) << p;
    EXPECT_EQ(*r.packet, p);
  }
}

TEST(CodecRoundTrip, EnvelopeIsMagicThenVersion) {
  const Bytes bytes = encode(Packet{Ack{1}, {}, {}});
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
  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}, {}});
  truncated.resize(3);
  EXPECT_EQ(error_of(truncated), DecodeError::too_short);
}

TEST(CodecReject, ForeignMagic) {
  Bytes bytes = encode(Packet{Gossip{}, {}, {}});
  bytes[0] = 'X';
  EXPECT_EQ(error_of(bytes), DecodeError::bad_magic);
  EXPECT_EQ(error_of({'c', 'n', 'v', 'y', kProtocolVersion}), DecodeError::bad_magic);
}

TEST(CodecReject, UnsupportedVersion) {
  Bytes bytes = encode(Packet{Gossip{}, {}, {}});
  bytes[4] = 2;
  EXPECT_EQ(error_of(bytes), DecodeError::unsupported_version);
  bytes[4] = 0;
  EXPECT_EQ(error_of(bytes), DecodeError::unsupported_version);
}

TEST(CodecReject, Oversized) {
  const Bytes bytes = encode(Packet{Gossip{}, {sample_update(Address::Family::v4)}, {}});
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

  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}, {}});
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
  for (int status : {0, 6, 100, -1}) {
    pb::Packet msg = gossip_with_valid_update();
    msg.mutable_updates(0)->set_status(static_cast<pb::MemberStatus>(status));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << "status " << status;
  }
}

TEST(CodecReject, EvictedIsAValidStatus) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_status(pb::MEMBER_STATUS_EVICTED);
  const DecodeResult r = decode(wrap(msg), kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->updates.at(0).status, MemberStatus::evicted);
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

// The crafted inputs below start from valid messages (checked) and break exactly one rule.

TEST(CodecReject, NilOwnerIsInvalid) {
  ASSERT_TRUE(decodes(gossip_with_valid_delta()));
  ASSERT_TRUE(decodes(sync_with_valid_snapshot_and_want()));
  ASSERT_TRUE(decodes(valid_write()));

  pb::Packet delta = gossip_with_valid_delta();
  delta.mutable_deltas(0)->set_owner_hi(0);
  delta.mutable_deltas(0)->set_owner_lo(0);
  EXPECT_EQ(error_of(wrap(delta)), DecodeError::invalid);

  pb::Packet snapshot = sync_with_valid_snapshot_and_want();
  snapshot.mutable_store_sync()->mutable_snapshots(0)->clear_owner_hi();
  snapshot.mutable_store_sync()->mutable_snapshots(0)->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(snapshot)), DecodeError::invalid);

  pb::Packet join;
  *join.mutable_join_response()->add_stores() =
      sync_with_valid_snapshot_and_want().store_sync().snapshots(0);
  ASSERT_TRUE(decodes(join));
  join.mutable_join_response()->mutable_stores(0)->clear_owner_hi();
  join.mutable_join_response()->mutable_stores(0)->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(join)), DecodeError::invalid);

  pb::Packet want = sync_with_valid_snapshot_and_want();
  want.mutable_store_sync()->mutable_wants(0)->clear_owner_hi();
  want.mutable_store_sync()->mutable_wants(0)->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(want)), DecodeError::invalid);

  pb::Packet detail;
  *detail.mutable_store_digest_detail()->add_owners() =
      sync_with_valid_snapshot_and_want().store_sync().wants(0);
  detail.mutable_store_digest_detail()->add_buckets(3);
  ASSERT_TRUE(decodes(detail));
  detail.mutable_store_digest_detail()->mutable_owners(0)->clear_owner_hi();
  detail.mutable_store_digest_detail()->mutable_owners(0)->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(detail)), DecodeError::invalid);

  pb::Packet write = valid_write();
  write.mutable_store_write()->clear_owner_hi();
  write.mutable_store_write()->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(write)), DecodeError::invalid);

  // Half an id is still an id.
  pb::Packet half = valid_write();
  half.mutable_store_write()->clear_owner_hi();
  EXPECT_TRUE(decodes(half));
}

TEST(CodecReject, UnspecifiedOrUnknownOutcomeIsInvalid) {
  for (auto outcome : {pb::StoreWriteResult::OUTCOME_DONE, pb::StoreWriteResult::OUTCOME_CONFLICT,
                       pb::StoreWriteResult::OUTCOME_FAILED}) {
    EXPECT_TRUE(decodes(valid_write_result(outcome))) << "outcome " << outcome;
  }
  for (int outcome : {0, 4, 100, -1}) {
    pb::Packet msg = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
    msg.mutable_store_write_result()->set_outcome(
        static_cast<pb::StoreWriteResult::Outcome>(outcome));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << "outcome " << outcome;
  }
}

TEST(CodecReject, TombstoneWithAValueIsInvalid) {
  pb::Packet delta = gossip_with_valid_delta();
  delta.mutable_deltas(0)->set_deleted(true);
  EXPECT_EQ(error_of(wrap(delta)), DecodeError::invalid);
  delta.mutable_deltas(0)->clear_value();
  EXPECT_TRUE(decodes(delta));

  pb::Packet snapshot = sync_with_valid_snapshot_and_want();
  snapshot.mutable_store_sync()->mutable_snapshots(0)->mutable_items(0)->set_deleted(true);
  EXPECT_EQ(error_of(wrap(snapshot)), DecodeError::invalid);

  for (auto outcome : {pb::StoreWriteResult::OUTCOME_DONE, pb::StoreWriteResult::OUTCOME_CONFLICT,
                       pb::StoreWriteResult::OUTCOME_FAILED}) {
    pb::Packet result = valid_write_result(outcome);
    result.mutable_store_write_result()->mutable_item()->set_deleted(true);
    EXPECT_EQ(error_of(wrap(result)), DecodeError::invalid) << "outcome " << outcome;
  }

  // An erase request may carry a value: the owner ignores it; nothing there is two states at once.
  pb::Packet erase = valid_write();
  erase.mutable_store_write()->set_erase(true);
  EXPECT_TRUE(decodes(erase));
}

TEST(CodecReject, DigestBucketCountOutOfRangeIsInvalid) {
  pb::Packet msg;
  msg.mutable_store_digest();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);  // zero buckets
  msg.mutable_store_digest()->add_buckets(0);
  EXPECT_TRUE(decodes(msg));
  for (int i = 1; i < 4096; ++i) msg.mutable_store_digest()->add_buckets(~0ULL);
  EXPECT_TRUE(decodes(msg));
  msg.mutable_store_digest()->add_buckets(1);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);  // 4097
}

TEST(CodecReject, EmptyOrOverlongKeyIsInvalid) {
  // Each setter puts `key` where one of the message kinds carries a key.
  using SetKey = void (*)(pb::Packet&, const std::string&);
  const std::vector<std::pair<const char*, SetKey>> places = {
      {"StoreDelta",
       [](pb::Packet& m, const std::string& k) {
         m = gossip_with_valid_delta();
         m.mutable_deltas(0)->set_key(k);
       }},
      {"StoreSnapshot item",
       [](pb::Packet& m, const std::string& k) {
         m = sync_with_valid_snapshot_and_want();
         m.mutable_store_sync()->mutable_snapshots(0)->mutable_items(0)->set_key(k);
       }},
      {"StoreWrite",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write();
         m.mutable_store_write()->set_key(k);
       }},
      {"done StoreWriteResult",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
         m.mutable_store_write_result()->mutable_item()->set_key(k);
       }},
      {"conflict StoreWriteResult",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write_result(pb::StoreWriteResult::OUTCOME_CONFLICT);
         m.mutable_store_write_result()->mutable_item()->set_key(k);
       }},
  };
  for (const auto& [where, set_key] : places) {
    pb::Packet msg;
    set_key(msg, std::string(256, 'k'));
    EXPECT_TRUE(decodes(msg)) << where << ": 256 bytes";
    set_key(msg, std::string(1, '\0'));
    EXPECT_TRUE(decodes(msg)) << where << ": 1 byte";
    set_key(msg, std::string(257, 'k'));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << where << ": 257 bytes";
    set_key(msg, "");
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << where << ": empty";
  }

  // A failed write's item may echo the bad key the write failed on.
  pb::Packet failed = valid_write_result(pb::StoreWriteResult::OUTCOME_FAILED);
  failed.mutable_store_write_result()->mutable_item()->clear_key();
  EXPECT_TRUE(decodes(failed));
  failed.mutable_store_write_result()->mutable_item()->set_key(std::string(1000, 'k'));
  EXPECT_TRUE(decodes(failed));
}

TEST(CodecReject, KeysAndValuesNeedNotBeUtf8) {
  // bytes, not string: protobuf's UTF-8 check must not decide what decodes.
  const std::string not_utf8 = "\xff\xfe\xc0\x80";
  pb::Packet msg = gossip_with_valid_delta();
  msg.mutable_deltas(0)->set_key(not_utf8);
  msg.mutable_deltas(0)->set_value(not_utf8);
  const DecodeResult r = decode(wrap(msg), kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->deltas.at(0).item.key, not_utf8);
  EXPECT_EQ(r.packet->deltas.at(0).item.value, not_utf8);

  pb::Packet result = valid_write_result(pb::StoreWriteResult::OUTCOME_FAILED);
  result.mutable_store_write_result()->set_error(not_utf8);
  EXPECT_TRUE(decodes(result));
}

TEST(CodecReject, InvalidDeltaRejectsTheWholePacket) {
  // Like an invalid update: the sender is broken or hostile, so nothing of the packet is used.
  pb::Packet msg = gossip_with_valid_update();
  *msg.add_deltas() = gossip_with_valid_delta().deltas(0);
  *msg.add_deltas() = gossip_with_valid_delta().deltas(0);
  ASSERT_TRUE(decodes(msg));
  msg.mutable_deltas(1)->clear_key();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

TEST(CodecReject, UnknownFieldsAreSkipped) {
  // Forward compatibility: a newer member's extra fields must not make us drop its packets.
  pb::Packet msg = gossip_with_valid_update();
  Bytes bytes = wrap(msg);
  bytes.insert(bytes.end(), {0x18, 0x2a});        // field 3 (free), varint 42
  bytes.insert(bytes.end(), {0x22, 0x02, 1, 2});  // field 4 (free), 2 bytes
  const DecodeResult r = decode(bytes, kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->updates.size(), 1u);

  // A body number from the future is not skippable: the packet has no body we know.
  Bytes future = header();
  future.insert(future.end(), {0x92, 0x01, 0x00});  // field 18, empty message
  EXPECT_EQ(error_of(future), DecodeError::invalid);
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

RC_GTEST_PROP(CodecSize, DeltaEncodedSizeIsExact, (const Packet& packet, const StoreDelta& d)) {
  Packet more = packet;
  more.deltas.push_back(d);
  RC_ASSERT(encode(more).size() == encode(packet).size() + encoded_size(d));
}

TEST(CodecSize, DeltaSizeAcrossLengthPrefixes) {
  // encoded_size(StoreDelta) is computed, not measured: check it where varints change length.
  for (std::size_t n : {0, 1, 127, 128, 16383, 16384, 70000}) {
    StoreDelta d = sample_delta();
    d.item.value.assign(n, 'x');
    for (const std::uint64_t big : {0ULL, 127ULL, 128ULL, ~0ULL}) {
      d.epoch = big;
      d.item.version = big;
      d.owner.hi = big;
      d.item.deleted = n == 0 && big != 0;
      const Packet bare{Gossip{}, {}, {}};
      const Packet one{Gossip{}, {}, {d}};
      EXPECT_EQ(encode(one).size(), encode(bare).size() + encoded_size(d))
          << n << " value bytes, " << big;
    }
  }
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

// Updates and deltas offered in any interleaving: each list grows by exactly its own bytes.
RC_GTEST_PROP(Packer, MixesUpdatesAndDeltasWithinBudget,
              (const Packet& base, const std::vector<MemberUpdate>& updates,
               const std::vector<StoreDelta>& deltas)) {
  const std::size_t bare = encode(base).size();
  const std::size_t budget = bare + *rc::gen::inRange<std::size_t>(0, kDatagram);
  wire::Packer packer(base, budget);
  RC_ASSERT(packer.size() == bare);

  Packet expected = base;
  std::size_t next_update = 0;
  std::size_t next_delta = 0;
  while (next_update < updates.size() || next_delta < deltas.size()) {
    const bool take_update = next_delta == deltas.size() ||
                             (next_update < updates.size() && *rc::gen::arbitrary<bool>());
    const std::size_t before = packer.size();
    std::size_t n = 0;
    bool added = false;
    if (take_update) {
      const MemberUpdate& u = updates[next_update++];
      n = encoded_size(u);
      added = packer.try_add(u);
      if (added) expected.updates.push_back(u);
    } else {
      const StoreDelta& d = deltas[next_delta++];
      n = encoded_size(d);
      added = packer.try_add(d);
      if (added) expected.deltas.push_back(d);
    }
    if (added) {
      RC_ASSERT(packer.size() == before + n);
    } else {
      RC_ASSERT(before + n > budget);
      RC_ASSERT(packer.size() == before);
    }
    RC_ASSERT(packer.size() <= budget);
    RC_ASSERT(packer.remaining() == budget - packer.size());
    RC_ASSERT(packer.size() == encode(packer.packet()).size());
  }
  RC_ASSERT(packer.packet() == expected);
  const Bytes bytes = packer.finish();
  RC_ASSERT(bytes.size() == packer.size());
  const DecodeResult r = decode(bytes, budget);
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == expected);
}

TEST(Packer, DeltaTooBigForTheBudgetIsRefusedAndSmallerOnesStillFit) {
  wire::Packer packer(Packet{Gossip{}, {}, {}}, kDatagram);
  StoreDelta big = sample_delta();
  big.item.value.assign(kDatagram, 'x');
  EXPECT_FALSE(packer.try_add(big));
  EXPECT_EQ(packer.size(), encode(Packet{Gossip{}, {}, {}}).size());
  EXPECT_TRUE(packer.try_add(sample_delta()));
  EXPECT_TRUE(packer.try_add(sample_update(Address::Family::v4)));
  EXPECT_EQ(packer.finish().size(), packer.size());
}

TEST(Packer, BarePacketOverBudgetTakesNothing) {
  const Packet p{PushPull{false, {sample_update(Address::Family::v6)}}, {}, {}};
  wire::Packer packer(p, 10);
  EXPECT_EQ(packer.remaining(), 0u);
  EXPECT_FALSE(packer.try_add(sample_update(Address::Family::v4)));
  EXPECT_FALSE(packer.try_add(sample_delta()));
  EXPECT_EQ(packer.finish(), encode(p));
  EXPECT_EQ(packer.size(), encode(p).size());
}

TEST(Packer, FillsADatagramExactlyToTheLastUpdateThatFits) {
  wire::Packer packer(Packet{Gossip{}, {}, {}}, kDatagram);
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
  EXPECT_EQ(encode(Packet{Gossip{}, {}, {}}).size(), 7u);
  EXPECT_EQ(encode(Packet{Ack{1000}, {}, {}}).size(), 10u);
  EXPECT_EQ(encode(Packet{Nack{1000}, {}, {}}).size(), 10u);
  EXPECT_EQ(encode(Packet{Ping{1000, target}, {}, {}}).size(), 28u);
  EXPECT_EQ(encode(Packet{PingReq{1000, target, v4.address}, {}, {}}).size(), 37u);

  // How many copies of `item` (an update or a delta) a default datagram carries after `base`.
  auto fill = [](const Packet& base, const auto& item) {
    wire::Packer packer(base, kDatagram);
    std::size_t n = 0;
    while (packer.try_add(item)) ++n;
    return n;
  };
  const Packet gossip{Gossip{}, {}, {}};
  EXPECT_EQ(fill(gossip, v4), 42u);
  EXPECT_EQ(fill(gossip, v6), 30u);
  EXPECT_EQ(fill(Packet{Ping{1000, target}, {}, {}}, v4), 41u);
  EXPECT_EQ(fill(Packet{Ping{1000, target}, {}, {}}, v6), 30u);
  EXPECT_EQ(fill(Packet{Ack{1000}, {}, {}}, v4), 42u);
  EXPECT_EQ(fill(gossip, worst), 32u);

  // Store deltas carry no address: one figure for IPv4 and IPv6 clusters alike.
  const StoreDelta delta = sample_delta();  // 16-byte key, 32-byte value
  EXPECT_EQ(encoded_size(delta), 76u);
  StoreDelta tombstone = delta;
  tombstone.item.value.clear();
  tombstone.item.deleted = true;
  EXPECT_EQ(encoded_size(tombstone), 44u);
  EXPECT_EQ(fill(gossip, delta), 18u);
  EXPECT_EQ(fill(Packet{Ping{1000, target}, {}, {}}, delta), 18u);
  EXPECT_EQ(fill(Packet{Gossip{}, std::vector<MemberUpdate>(10, v4), {}}, delta), 13u);
  // The largest value a delta with a 16-byte key can have and still travel in a Gossip.
  StoreDelta largest = delta;
  largest.item.value.assign(1347, 'x');
  EXPECT_EQ(encode(Packet{Gossip{}, {}, {largest}}).size(), kDatagram);

  // Store bodies.
  auto bare = [](const Body& body) { return encode(Packet{body, {}, {}}).size(); };
  auto digest = [](std::size_t buckets) {
    return StoreDigest{std::vector<std::uint64_t>(buckets, 0x8000000000000000ULL)};
  };
  EXPECT_EQ(bare(digest(64)), 523u);
  EXPECT_EQ(bare(digest(128)), 1035u);
  EXPECT_EQ(bare(digest(173)), 1395u);  // the most buckets a 1400-byte datagram holds
  EXPECT_EQ(bare(digest(174)), 1403u);
  EXPECT_EQ(bare(digest(4096)), 32781u);
  const OwnerVersion ov{kSampleOwner, 5, 42};
  EXPECT_EQ(bare(StoreDigestDetail{{3}, {ov}}), 34u);
  EXPECT_EQ(bare(StoreDigestDetail{{3}, {ov, ov}}), 58u);  // 24 bytes per owner
  EXPECT_EQ(bare(StoreSync{{}, {ov}}), 31u);
  const StoreSnapshot snapshot{kSampleOwner, 5, 42, 40, false, {delta.item}};
  EXPECT_EQ(bare(StoreSync{{snapshot}, {}}), 89u);
  EXPECT_EQ(bare(StoreWrite{1000, kSampleOwner, delta.item.key, delta.item.value, 41, false}), 83u);
  EXPECT_EQ(bare(StoreWriteResult{1000, StoreWriteResult::Outcome::done, delta.item, ""}), 69u);
  const StoreSnapshot store100{
      kSampleOwner, 5, 100, 0, true, std::vector<StoreItem>(100, delta.item)};
  EXPECT_EQ(bare(JoinResponse{{}, {store100}}), 5635u);  // about 56 bytes per item
}

}  // namespace
}  // namespace convoy::wire
