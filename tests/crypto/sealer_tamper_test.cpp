// What an attacker on the path, or a confused peer, can send: every byte of a sealed packet
// flipped, every truncation, another cluster's packets (including a cluster whose name shares our
// 4-byte tag), a packet re-labelled with another cluster's tag, unknown keys, and a different key
// that shares the sealing key's id. Each must be refused, with the error its position implies,
// and leave nothing in `out`.
#include "crypto_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace convoy::crypto {
namespace {

using namespace test;

// The error a change at `at` must give, following open()'s order of checks.
OpenError expected_for_change_at(std::size_t at) {
  if (at < kVersionAt) return OpenError::forged;  // the magic
  if (at < kTagAt) return OpenError::unsupported_version;
  if (at < kKeyIdAt) return OpenError::other_cluster;
  if (at < kNonceAt) return OpenError::unknown_key;
  return OpenError::forged;  // nonce, ciphertext, Poly1305 tag
}

TEST(SealerTamper, EveryByteFlippedAnywhereIsRefusedForItsPosition) {
  const Key key = counting_key(0), other = counting_key(1);
  // Two keys, so "unknown_key" means the flipped id matched neither, not that the lookup failed.
  const Keyring ring({key, other});
  Sealer sealer("convoy");
  for (const std::size_t n : {std::size_t{0}, std::size_t{8}}) {
    const Bytes sealed = seal(sealer, key, pattern(n));
    ASSERT_FALSE(open(sealer, ring, sealed).error);
    for (std::size_t at = 0; at < sealed.size(); ++at) {
      for (const std::uint8_t mask : {0x01, 0x80, 0xff}) {
        Bytes bad = sealed;
        bad[at] ^= mask;
        const Opened opened = open(sealer, ring, bad);
        ASSERT_TRUE(opened.error) << "accepted with byte " << at << " ^ " << int{mask};
        EXPECT_EQ(*opened.error, expected_for_change_at(at)) << "byte " << at << " ^ " << int{mask};
        EXPECT_TRUE(opened.plaintext.empty()) << "byte " << at;
      }
    }
  }
}

TEST(SealerTamper, EveryOtherVersionIsUnsupported) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Bytes sealed = seal(sealer, key, bytes_of("v"));
  for (int version = 0; version < 256; ++version) {
    if (version == kSealedVersion) continue;
    Bytes bad = sealed;
    bad[kVersionAt] = static_cast<std::uint8_t>(version);
    EXPECT_EQ(open(sealer, Keyring({key}), bad).error, OpenError::unsupported_version) << version;
  }
}

TEST(SealerTamper, ThePlaintextMagicOrAnyOtherIsForged) {
  // Callers dispatch on the magic; a Sealer given a plaintext envelope anyway opens nothing.
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  for (const std::string_view magic : {"CNVY", "cnvs", "\0\0\0\0"}) {
    Bytes bad = seal(sealer, key, pattern(20));
    std::copy(magic.begin(), magic.begin() + 4, bad.begin());
    EXPECT_EQ(open(sealer, Keyring({key}), bad).error, OpenError::forged) << magic;
  }
}

TEST(SealerTamper, TruncationAtEveryLengthIsNeverAccepted) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Keyring ring({key});
  for (const std::size_t n : {std::size_t{0}, std::size_t{40}}) {
    const Bytes sealed = seal(sealer, key, pattern(n));
    for (std::size_t len = 0; len < sealed.size(); ++len) {
      const Bytes cut(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(len));
      const Opened opened = open(sealer, ring, cut);
      ASSERT_TRUE(opened.error) << "accepted at " << len << " of " << sealed.size();
      EXPECT_EQ(*opened.error, len < kSealOverhead ? OpenError::too_short : OpenError::forged)
          << "length " << len;
      EXPECT_TRUE(opened.plaintext.empty());
    }
    // Cut from the front: the header moves and nothing lines up.
    for (std::size_t drop = 1; drop < sealed.size(); ++drop) {
      const Bytes cut(sealed.begin() + static_cast<std::ptrdiff_t>(drop), sealed.end());
      EXPECT_TRUE(open(sealer, ring, cut).error) << "dropped " << drop;
    }
  }
}

TEST(SealerTamper, AppendedBytesAreForged) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  for (const std::size_t extra : {1, 16, 1000}) {
    Bytes longer = seal(sealer, key, pattern(30));
    longer.resize(longer.size() + extra, 0);
    EXPECT_EQ(open(sealer, Keyring({key}), longer).error, OpenError::forged) << extra;
  }
}

TEST(SealerTamper, AnotherClustersPacketIsOtherCluster) {
  const Key key = counting_key(0);
  Sealer a("a");
  const Sealer b("b");
  EXPECT_EQ(open(b, Keyring({key}), seal(a, key, bytes_of("p"))).error, OpenError::other_cluster);
  EXPECT_EQ(open(Sealer(""), Keyring({key}), seal(a, key, bytes_of("p"))).error,
            OpenError::other_cluster);
}

// The tag is a hint: relabelling a packet with our tag gets it past the tag check, and the name
// in the associated data must then refuse it.
TEST(SealerTamper, RelabelledWithOurTagIsForged) {
  const Key key = counting_key(0);
  Sealer x("x");
  Sealer y("y");
  const Bytes y_packet = seal(y, key, {});
  Bytes relabelled = seal(x, key, bytes_of("for x only"));
  std::copy(y_packet.begin() + kTagAt, y_packet.begin() + kKeyIdAt, relabelled.begin() + kTagAt);
  const Opened opened = open(y, Keyring({key}), relabelled);
  ASSERT_TRUE(opened.error) << "a packet of cluster x opened in cluster y";
  EXPECT_EQ(*opened.error, OpenError::forged);
}

// Two real names with one tag (found by a birthday search, crypto_test_support.hpp): nothing is
// patched, and only the whole name in the associated data tells the clusters apart.
TEST(SealerTamper, ClustersWhoseTagsCollideRefuseEachOther) {
  const Key key = counting_key(0);
  Sealer a{std::string(kCollidingNameA)};
  Sealer b{std::string(kCollidingNameB)};
  const Bytes from_a = seal(a, key, bytes_of("cluster a's"));
  const Bytes from_b = seal(b, key, bytes_of("cluster b's"));
  ASSERT_EQ(Bytes(from_a.begin() + kTagAt, from_a.begin() + kKeyIdAt),
            Bytes(kCollidingTag.begin(), kCollidingTag.end()));
  ASSERT_EQ(Bytes(from_b.begin() + kTagAt, from_b.begin() + kKeyIdAt),
            Bytes(kCollidingTag.begin(), kCollidingTag.end()));
  EXPECT_EQ(open(b, Keyring({key}), from_a).error, OpenError::forged);
  EXPECT_EQ(open(a, Keyring({key}), from_b).error, OpenError::forged);
  EXPECT_FALSE(open(a, Keyring({key}), from_a).error);
}

TEST(SealerTamper, UnknownKeyId) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Bytes sealed = seal(sealer, key, bytes_of("p"));
  EXPECT_EQ(open(sealer, Keyring(), sealed).error, OpenError::unknown_key);
  EXPECT_EQ(open(sealer, Keyring({counting_key(1), counting_key(2)}), sealed).error,
            OpenError::unknown_key);
}

// A different key under the sealing key's id (a real collision): the id picks it, and
// authentication refuses it. Also a key id rewritten to one of ours.
TEST(SealerTamper, WrongKeyBehindTheRightIdIsForged) {
  const Key a = numbered_key(kCollidingKeyA), b = numbered_key(kCollidingKeyB);
  ASSERT_EQ(a.id(), b.id());
  Sealer sealer("convoy");
  const Bytes sealed = seal(sealer, a, bytes_of("secret"));
  const Opened opened = open(sealer, Keyring({b}), sealed);
  ASSERT_TRUE(opened.error);
  EXPECT_EQ(*opened.error, OpenError::forged);
  EXPECT_TRUE(opened.plaintext.empty());

  const Key ours = counting_key(0);
  Bytes relabelled = seal(sealer, counting_key(1), bytes_of("secret"));
  for (std::size_t i = 0; i < 4; ++i) {
    relabelled[kKeyIdAt + i] = static_cast<std::uint8_t>(ours.id() >> (24 - 8 * i));
  }
  EXPECT_EQ(open(sealer, Keyring({ours}), relabelled).error, OpenError::forged);
}

TEST(SealerTamper, SplicedCiphertextsAreForged) {
  // Header of one packet, body of another of the same length, same key and cluster.
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Bytes one = seal(sealer, key, bytes_of("first message"));
  const Bytes two = seal(sealer, key, bytes_of("other message"));
  Bytes spliced(one.begin(), one.begin() + kCiphertextAt);
  spliced.insert(spliced.end(), two.begin() + kCiphertextAt, two.end());
  EXPECT_EQ(open(sealer, Keyring({key}), spliced).error, OpenError::forged);
  // Replaying a packet is not the sealer's to refuse: it opens again (the protocol above is
  // idempotent to duplicates, which the network makes anyway).
  EXPECT_FALSE(open(sealer, Keyring({key}), one).error);
  EXPECT_FALSE(open(sealer, Keyring({key}), one).error);
}

#ifndef NDEBUG
// libsodium cannot open into a buffer that overlaps the packet at another address, and `out` is
// resized before use: passing one buffer as both is a caller's bug, caught in debug builds.
TEST(SealerMisuseDeathTest, OneBufferAsInputAndOutputAsserts) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  Bytes sealed = seal(sealer, key, pattern(64));
  EXPECT_DEATH((void)sealer.open(Keyring({key}), sealed, sealed), "overlaps");
  Bytes plain = pattern(64);
  EXPECT_DEATH(sealer.seal(key, plain, plain), "overlaps");
}
#endif

}  // namespace
}  // namespace convoy::crypto
