// RapidCheck generators for every wire message: random *valid* values, the ones encode() must
// turn into bytes that decode() gives back unchanged. They lean towards the edges the decoder
// checks (the longest key, the deepest digest range and its last index, 4,096 ranges, ids with
// one half zero) because random values alone rarely reach them.
#pragma once

#include "wire/codec.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Any 128-bit id, nil included (a Ping target may be nil).
inline Gen<MemberId> any_id() {
  return gen::apply(
      [](std::uint64_t hi, std::uint64_t lo) {
        return MemberId{hi, lo};
      },
      gen::arbitrary<std::uint64_t>(), gen::arbitrary<std::uint64_t>());
}

// A non-nil id: members, store owners, write requesters and answering owners. Half-zero ids are
// drawn on purpose: they are valid, and proto3 leaves the zero half out of the encoding.
inline Gen<MemberId> owner() {
  return gen::suchThat(gen::weightedOneOf<MemberId>({{6, any_id()},
                                                     {1, gen::map(gen::arbitrary<std::uint64_t>(),
                                                                  [](std::uint64_t lo) {
                                                                    return MemberId{0, lo};
                                                                  })},
                                                     {1, gen::map(gen::arbitrary<std::uint64_t>(),
                                                                  [](std::uint64_t hi) {
                                                                    return MemberId{hi, 0};
                                                                  })}}),
                       [](const MemberId& id) { return !id.is_nil(); });
}

// Store epochs: anything the codec accepts, and often the shape they have in a running cluster
// (a 32-bit life counter above a 32-bit nonce), whose varint is 5 to 9 bytes long.
inline Gen<std::uint64_t> epoch() {
  return gen::weightedOneOf<std::uint64_t>(
      {{2, gen::arbitrary<std::uint64_t>()},
       {1, gen::apply([](std::uint32_t counter,
                         std::uint32_t nonce) { return (std::uint64_t{counter} << 32) | nonce; },
                      gen::arbitrary<std::uint32_t>(), gen::arbitrary<std::uint32_t>())}});
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

/// The number of ranges the digest tree has at `level`: 64^level.
constexpr std::uint64_t ranges_at(std::uint32_t level) {
  return std::uint64_t{1} << (kDigestLevelBits * level);
}

// A valid range of the digest tree: level 0..kMaxDigestLevel and an index below 64^level, often
// the first or the last index of its level (the decoder's bound is about the last).
inline Gen<DigestRange> digest_range() {
  return gen::mapcat(gen::inRange<std::uint32_t>(0, kMaxDigestLevel + 1), [](std::uint32_t level) {
    const auto last = static_cast<std::uint32_t>(ranges_at(level) - 1);
    return gen::apply(
        [level](std::uint32_t index, std::uint64_t hash) {
          return DigestRange{level, index, hash};
        },
        gen::weightedOneOf<std::uint32_t>({{4, gen::inRange<std::uint32_t>(0, last + 1)},
                                           {1, gen::just(std::uint32_t{0})},
                                           {1, gen::just(last)}}),
        gen::arbitrary<std::uint64_t>());
  });
}

// A list of `min`..4096 ranges: mostly a few (the root alone, or a range's 64 children),
// sometimes exactly the decoder's limit.
inline Gen<std::vector<DigestRange>> digest_ranges(std::size_t min) {
  return gen::weightedOneOf<std::vector<DigestRange>>(
      {{8, gen::mapcat(gen::inRange<std::size_t>(min, 130),
                       [](std::size_t n) {
                         return gen::container<std::vector<DigestRange>>(n, digest_range());
                       })},
       {1, gen::container<std::vector<DigestRange>>(4096, digest_range())}});
}

}  // namespace convoy::wire::testgen

namespace rc {

template <>
struct Arbitrary<convoy::MemberId> {
  static Gen<convoy::MemberId> arbitrary() { return convoy::wire::testgen::any_id(); }
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
        [](convoy::MemberId id, std::uint64_t inc, MemberStatus s, convoy::Address a,
           convoy::MemberId reporter) {
          // Only suspect news carries a reporter (nil included: a suspicion of unknown origin).
          if (s != MemberStatus::suspect) reporter = convoy::MemberId{};
          return convoy::wire::MemberUpdate{id, inc, s, a, reporter};
        },
        // No real member has the nil id, and decode rejects it.
        convoy::wire::testgen::owner(), gen::arbitrary<std::uint64_t>(),
        gen::element(MemberStatus::alive, MemberStatus::suspect, MemberStatus::dead,
                     MemberStatus::left, MemberStatus::evicted),
        gen::arbitrary<convoy::Address>(),
        gen::oneOf(gen::just(convoy::MemberId{}), convoy::wire::testgen::owner()));
  }
};

template <>
struct Arbitrary<convoy::wire::Ping> {
  static Gen<convoy::wire::Ping> arbitrary() {
    // Half of them open an anti-entropy round; a root only travels with its round.
    return gen::apply(
        [](std::uint64_t seq, convoy::MemberId target, bool round, std::uint64_t root,
           std::uint64_t exchange) {
          if (!round || exchange == 0) return convoy::wire::Ping{seq, target};
          return convoy::wire::Ping{seq, target, root, exchange};
        },
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<convoy::MemberId>(), gen::arbitrary<bool>(),
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<std::uint64_t>());
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
struct Arbitrary<convoy::wire::Push> {
  static Gen<convoy::wire::Push> arbitrary() {
    return gen::map(convoy::wire::testgen::owner(),
                    [](convoy::MemberId id) { return convoy::wire::Push{id}; });
  }
};

template <>
struct Arbitrary<convoy::wire::Prune> {
  static Gen<convoy::wire::Prune> arbitrary() {
    return gen::map(convoy::wire::testgen::owner(),
                    [](convoy::MemberId id) { return convoy::wire::Prune{id}; });
  }
};

template <>
struct Arbitrary<convoy::wire::PingReq> {
  static Gen<convoy::wire::PingReq> arbitrary() {
    return gen::apply(
        [](std::uint64_t seq, convoy::MemberId target, convoy::Address a, std::uint32_t nack) {
          return convoy::wire::PingReq{seq, target, a, nack};
        },
        gen::arbitrary<std::uint64_t>(), gen::arbitrary<convoy::MemberId>(),
        gen::arbitrary<convoy::Address>(),
        // 0 (the relay's default) often: proto3 leaves it out of the encoding.
        gen::weightedOneOf<std::uint32_t>(
            {{3, gen::arbitrary<std::uint32_t>()}, {1, gen::just(std::uint32_t{0})}}));
  }
};

template <>
struct Arbitrary<convoy::wire::Gossip> {
  static Gen<convoy::wire::Gossip> arbitrary() { return gen::just(convoy::wire::Gossip{}); }
};

template <>
struct Arbitrary<convoy::wire::JoinRequest> {
  static Gen<convoy::wire::JoinRequest> arbitrary() {
    return gen::apply(
        [](convoy::wire::MemberUpdate u, std::uint64_t request) {
          return convoy::wire::JoinRequest{u, request};
        },
        gen::arbitrary<convoy::wire::MemberUpdate>(), gen::arbitrary<std::uint64_t>());
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
        convoy::wire::testgen::owner(), convoy::wire::testgen::epoch(),
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
        convoy::wire::testgen::owner(), convoy::wire::testgen::epoch(),
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
        convoy::wire::testgen::owner(), convoy::wire::testgen::epoch(),
        gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::wire::JoinResponse> {
  static Gen<convoy::wire::JoinResponse> arbitrary() {
    using convoy::wire::OwnerVersion;
    return gen::apply(
        [](std::vector<convoy::wire::MemberUpdate> m, std::vector<convoy::wire::StoreSnapshot> s,
           std::uint64_t request, std::optional<OwnerVersion> joiner_store) {
          return convoy::wire::JoinResponse{std::move(m), std::move(s), request, joiner_store};
        },
        gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>(),
        gen::scale(0.3, gen::arbitrary<std::vector<convoy::wire::StoreSnapshot>>()),
        gen::arbitrary<std::uint64_t>(),
        // Absent (a seed that holds nothing of the joiner) as often as present.
        gen::oneOf(gen::just(std::optional<OwnerVersion>()),
                   gen::map(gen::arbitrary<OwnerVersion>(),
                            [](OwnerVersion v) { return std::optional<OwnerVersion>(v); })));
  }
};

template <>
struct Arbitrary<convoy::wire::PushPull> {
  static Gen<convoy::wire::PushPull> arbitrary() {
    return gen::apply(
        [](bool reply, std::vector<convoy::wire::MemberUpdate> m, bool heal, std::uint64_t hash,
           bool send_yours) {
          return convoy::wire::PushPull{reply, std::move(m), heal, hash, send_yours};
        },
        gen::arbitrary<bool>(), gen::arbitrary<std::vector<convoy::wire::MemberUpdate>>(),
        gen::arbitrary<bool>(), gen::arbitrary<std::uint64_t>(), gen::arbitrary<bool>());
  }
};

template <>
struct Arbitrary<convoy::wire::DigestRange> {
  static Gen<convoy::wire::DigestRange> arbitrary() {
    return convoy::wire::testgen::digest_range();
  }
};

template <>
struct Arbitrary<convoy::wire::StoreDigest> {
  static Gen<convoy::wire::StoreDigest> arbitrary() {
    // 1..4096 ranges.
    return gen::apply(
        [](std::vector<convoy::wire::DigestRange> r, std::uint64_t exchange) {
          return convoy::wire::StoreDigest{std::move(r), exchange};
        },
        convoy::wire::testgen::digest_ranges(1), gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreDigestDetail> {
  static Gen<convoy::wire::StoreDigestDetail> arbitrary() {
    // 0..4096 ranges (the decoder sets no lower bound on a detail).
    return gen::apply(
        [](std::vector<convoy::wire::DigestRange> r, std::vector<convoy::wire::OwnerVersion> o,
           std::uint64_t exchange) {
          return convoy::wire::StoreDigestDetail{std::move(r), std::move(o), exchange};
        },
        convoy::wire::testgen::digest_ranges(0),
        gen::arbitrary<std::vector<convoy::wire::OwnerVersion>>(), gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreSync> {
  static Gen<convoy::wire::StoreSync> arbitrary() {
    return gen::apply(
        [](std::vector<convoy::wire::StoreSnapshot> s, std::vector<convoy::wire::OwnerVersion> w,
           std::uint64_t exchange) {
          return convoy::wire::StoreSync{std::move(s), std::move(w), exchange};
        },
        gen::scale(0.3, gen::arbitrary<std::vector<convoy::wire::StoreSnapshot>>()),
        gen::arbitrary<std::vector<convoy::wire::OwnerVersion>>(), gen::arbitrary<std::uint64_t>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreWrite> {
  static Gen<convoy::wire::StoreWrite> arbitrary() {
    using convoy::wire::testgen::owner;
    return gen::apply(
        [](std::uint64_t request, convoy::MemberId owner, std::string key, std::string value,
           std::uint64_t expected, bool erase, convoy::MemberId requester,
           std::uint64_t expected_epoch, bool unconditional) {
          return convoy::wire::StoreWrite{request,          owner,          std::move(key),
                                          std::move(value), expected,       erase,
                                          requester,        expected_epoch, unconditional};
        },
        gen::arbitrary<std::uint64_t>(), owner(), convoy::wire::testgen::key(),
        convoy::wire::testgen::value(), gen::arbitrary<std::uint64_t>(), gen::arbitrary<bool>(),
        owner(),
        // 0 (any epoch) often: a writer that never read the item.
        gen::weightedOneOf<std::uint64_t>(
            {{3, convoy::wire::testgen::epoch()}, {1, gen::just(std::uint64_t{0})}}),
        // The codec does not require the expectation of an unconditional write to be zero.
        gen::arbitrary<bool>());
  }
};

template <>
struct Arbitrary<convoy::wire::StoreWriteResult> {
  static Gen<convoy::wire::StoreWriteResult> arbitrary() {
    using Outcome = convoy::wire::StoreWriteResult::Outcome;
    return gen::mapcat(
        gen::element(Outcome::done, Outcome::conflict, Outcome::failed), [](Outcome outcome) {
          return gen::apply(
              [outcome](std::uint64_t request, convoy::wire::StoreItem item, std::string error,
                        convoy::MemberId owner, std::uint64_t epoch) {
                return convoy::wire::StoreWriteResult{request,          outcome, std::move(item),
                                                      std::move(error), owner,   epoch};
              },
              gen::arbitrary<std::uint64_t>(),
              outcome == Outcome::failed ? convoy::wire::testgen::failed_item()
                                         : gen::arbitrary<convoy::wire::StoreItem>(),
              convoy::wire::testgen::bytes(), convoy::wire::testgen::owner(),
              convoy::wire::testgen::epoch());
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
        gen::cast<Body>(gen::arbitrary<StoreWriteResult>()),
        gen::cast<Body>(gen::arbitrary<Push>()), gen::cast<Body>(gen::arbitrary<Prune>()));
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
