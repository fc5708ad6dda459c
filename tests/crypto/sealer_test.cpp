// The sealed envelope when nothing is tampered with: round trips at the sizes the transport uses,
// the header byte by byte against sealer.hpp's drawing, nonces that never repeat, a packet sealed
// by an independent XChaCha20-Poly1305 implementation, a key rotation from start to end, and the
// cluster name's limits.
#include "crypto_test_support.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace convoy::crypto {
namespace {

using namespace test;

// A second Sealer under the same key would repeat every nonce of the first.
static_assert(!std::is_copy_constructible_v<Sealer>);
static_assert(!std::is_copy_assignable_v<Sealer>);
static_assert(!std::is_move_constructible_v<Sealer>);
static_assert(!std::is_move_assignable_v<Sealer>);

Bytes from_hex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(SealerRoundTrip, SizesTheTransportUses) {
  const Key key = counting_key(0);
  const Keyring ring({key});
  Sealer sealer("convoy");
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16},
                              std::size_t{1400}, std::size_t{65536}}) {
    const Bytes plaintext = pattern(n);
    const Bytes sealed = seal(sealer, key, plaintext);
    EXPECT_EQ(sealed.size(), n + kSealOverhead) << n;
    const Opened opened = open(sealer, ring, sealed);
    ASSERT_FALSE(opened.error) << n << ": " << *opened.error;
    EXPECT_EQ(opened.plaintext, plaintext) << n;
    // The plaintext does not show through.
    if (n >= 16) {
      EXPECT_EQ(
          std::search(sealed.begin(), sealed.end(), plaintext.begin(), plaintext.begin() + 16),
          sealed.end());
    }
  }
}

TEST(SealerRoundTrip, AnotherSealerOfTheSameNameOpens) {
  // The receiver is another process: it shares the key and the name, not the Sealer.
  const Key key = counting_key(0);
  Sealer sender("convoy");
  const Sealer receiver("convoy");
  const Opened opened = open(receiver, Keyring({key}), seal(sender, key, bytes_of("hello")));
  ASSERT_FALSE(opened.error);
  EXPECT_EQ(opened.plaintext, bytes_of("hello"));
}

TEST(SealerRoundTrip, OutIsResizedWhateverItHeldBefore) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  Bytes sealed = pattern(5000);  // longer than the result: must shrink, not keep a tail
  sealer.seal(key, bytes_of("abc"), sealed);
  EXPECT_EQ(sealed.size(), 3 + kSealOverhead);
  Bytes plain = pattern(5000);
  EXPECT_FALSE(sealer.open(Keyring({key}), sealed, plain));
  EXPECT_EQ(plain, bytes_of("abc"));
}

TEST(SealerLayout, HeaderFieldsWhereTheDrawingPutsThem) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Bytes first = seal(sealer, key, bytes_of("x"));
  const Bytes second = seal(sealer, key, bytes_of("x"));
  for (const Bytes* p : {&first, &second}) {
    const Bytes& b = *p;
    EXPECT_EQ(Bytes(b.begin(), b.begin() + 4), bytes_of("CNVS"));
    EXPECT_EQ(b[kVersionAt], 1);
    EXPECT_EQ(Bytes(b.begin() + kTagAt, b.begin() + kKeyIdAt),
              Bytes(kConvoyTag.begin(), kConvoyTag.end()));
    EXPECT_EQ(Bytes(b.begin() + kKeyIdAt, b.begin() + kNonceAt),
              (Bytes{0xa6, 0xd5, 0x1b, 0xed}));  // kCountingKeyId, big-endian
  }
  // The nonce: the Sealer's 16-byte prefix, then the counter from 0, big-endian.
  EXPECT_TRUE(
      std::equal(first.begin() + kNonceAt, first.begin() + kCounterAt, second.begin() + kNonceAt));
  EXPECT_EQ(counter_of(first), 0U);
  EXPECT_EQ(counter_of(second), 1U);
  EXPECT_EQ(first[kCounterAt + 7], 0);
  EXPECT_EQ(second[kCounterAt + 7], 1);
  EXPECT_EQ(kCiphertextAt, kSealedHeaderSize);
}

TEST(SealerNonce, TwoSealsOfOnePlaintextDiffer) {
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  const Bytes plaintext = pattern(100);
  const Bytes a = seal(sealer, key, plaintext);
  const Bytes b = seal(sealer, key, plaintext);
  EXPECT_NE(a, b);
  EXPECT_FALSE(std::equal(a.begin() + kCiphertextAt, a.end(), b.begin() + kCiphertextAt))
      << "same ciphertext under different nonces";
}

TEST(SealerNonce, NeverRepeatsOver10000SealsNorAcrossSealers) {
  const Key key = counting_key(0);
  Sealer one("convoy");
  Sealer two("convoy");  // another member, or this one after a restart
  std::set<Bytes> nonces;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    for (Sealer* s : {&one, &two}) {
      const Bytes b = seal(*s, key, {});
      EXPECT_EQ(counter_of(b), i);
      nonces.insert(Bytes(b.begin() + kNonceAt, b.begin() + kCiphertextAt));
    }
  }
  EXPECT_EQ(nonces.size(), 20000U);
}

// Sealed by golden_values.py (beside this file), not by libsodium: HChaCha20 (checked against
// draft-irtf-cfrg-xchacha-03's vector) then pyca/cryptography's ChaCha20-Poly1305 (itself
// checked against the draft's AEAD vector) with key counting_key(0), cluster "convoy", nonce
// prefix a0..af, counter 7, plaintext "hello, convoy", associated data the 37 header bytes then
// "convoy". It proves the construction and the associated data, not just self-consistency.
constexpr std::string_view kIndependentPacket =
    "434e56530179ec28cea6d51beda0a1a2a3a4a5a6a7a8a9aaabacadaeaf0000000000000007"
    "98651be669094a163bc040a2d9f58dcbc8acb0b945b816db40fcb90b79";

TEST(SealerKnownAnswer, OpensAPacketSealedByAnotherImplementation) {
  const Bytes packet = from_hex(kIndependentPacket);
  ASSERT_EQ(packet.size(), 13 + kSealOverhead);
  const Opened opened = open(Sealer("convoy"), Keyring({counting_key(0)}), packet);
  ASSERT_FALSE(opened.error) << *opened.error;
  EXPECT_EQ(opened.plaintext, bytes_of("hello, convoy"));
}

TEST(SealerKnownAnswer, RefusesItUnderAnyOtherNameOrKey) {
  const Bytes packet = from_hex(kIndependentPacket);
  EXPECT_EQ(open(Sealer("convoy2"), Keyring({counting_key(0)}), packet).error,
            OpenError::other_cluster);
  EXPECT_EQ(open(Sealer("convoy"), Keyring({counting_key(1)}), packet).error,
            OpenError::unknown_key);
}

// keyring.hpp's rotation, on one sender and one receiver that change their keyrings in turn.
TEST(SealerRotation, OldAndNewKeyOpenDuringTheRotationAndOnlyTheNewAfter) {
  const Key a = counting_key(0), b = counting_key(50);
  Sealer sender("convoy");
  const Sealer receiver("convoy");

  Keyring ring({a});
  const Bytes sealed_a = seal(sender, *ring.primary(), bytes_of("under A"));
  EXPECT_FALSE(open(receiver, ring, sealed_a).error);

  ASSERT_EQ(ring.install(b), Keyring::Change::done);  // step 1: {A, B}, A seals
  EXPECT_EQ(ring.primary()->id(), a.id());
  ASSERT_EQ(ring.use(b.id()), Keyring::Change::done);  // step 2: {B, A}, B seals
  const Bytes sealed_b = seal(sender, *ring.primary(), bytes_of("under B"));
  EXPECT_EQ(Bytes(sealed_b.begin() + kKeyIdAt, sealed_b.begin() + kNonceAt),
            (Bytes{static_cast<std::uint8_t>(b.id() >> 24), static_cast<std::uint8_t>(b.id() >> 16),
                   static_cast<std::uint8_t>(b.id() >> 8), static_cast<std::uint8_t>(b.id())}));
  // A member still on step 1 ({A, B}, A primary) opens both, and so does one on step 2.
  for (const Keyring& r : {Keyring({a, b}), ring}) {
    const Opened old_one = open(receiver, r, sealed_a);
    const Opened new_one = open(receiver, r, sealed_b);
    ASSERT_FALSE(old_one.error);
    ASSERT_FALSE(new_one.error);
    EXPECT_EQ(old_one.plaintext, bytes_of("under A"));
    EXPECT_EQ(new_one.plaintext, bytes_of("under B"));
  }

  ASSERT_EQ(ring.remove(a.id()), Keyring::Change::done);  // step 3: {B}
  EXPECT_EQ(open(receiver, ring, sealed_a).error, OpenError::unknown_key);
  EXPECT_FALSE(open(receiver, ring, sealed_b).error);
  // A member that never got B cannot read the new traffic, and says why.
  EXPECT_EQ(open(receiver, Keyring({a}), sealed_b).error, OpenError::unknown_key);
}

TEST(SealerClusterName, LimitsAndOddNames) {
  EXPECT_THROW(Sealer(std::string(kMaxClusterName + 1, 'n')), std::invalid_argument);
  EXPECT_THROW(Sealer(std::string(10000, 'n')), std::invalid_argument);
  const Key key = counting_key(0);
  const Keyring ring({key});
  for (const std::string& name :
       {std::string(), std::string(kMaxClusterName, 'n'), std::string("a\0b", 3),
        std::string(1, '\0'), std::string("\xff\xfe"), std::string(kMaxClusterName, '\0')}) {
    Sealer sealer(name);
    EXPECT_EQ(sealer.cluster_name(), name);
    const Opened opened = open(sealer, ring, seal(sealer, key, bytes_of("payload")));
    ASSERT_FALSE(opened.error) << "name of " << name.size() << " bytes: " << *opened.error;
    EXPECT_EQ(opened.plaintext, bytes_of("payload"));
  }
}

TEST(SealerClusterName, NamesThatDifferOnlyInTrailingNulsAreDifferentClusters) {
  // A name is bytes, not a C string: "a" and "a\0" must not be one cluster.
  const Key key = counting_key(0);
  Sealer a("a");
  const Sealer a_nul(std::string("a\0", 2));
  EXPECT_EQ(open(a_nul, Keyring({key}), seal(a, key, bytes_of("p"))).error,
            OpenError::other_cluster);
}

TEST(SealerLooksSealed, OnlyTheSealedMagic) {
  EXPECT_FALSE(looks_sealed({}));
  EXPECT_FALSE(looks_sealed(bytes_of("CNV")));
  EXPECT_TRUE(looks_sealed(bytes_of("CNVS")));
  EXPECT_TRUE(looks_sealed(bytes_of("CNVSanything")));
  EXPECT_FALSE(looks_sealed(bytes_of("CNVY\x02")));  // the plaintext envelope
  EXPECT_FALSE(looks_sealed(bytes_of("cnvs")));
  EXPECT_FALSE(looks_sealed(bytes_of("XCNVS")));
  Sealer sealer("convoy");
  EXPECT_TRUE(looks_sealed(seal(sealer, counting_key(0), {})));
}

TEST(SealerOpenError, NamesAreTheMetricLabels) {
  EXPECT_EQ(to_string(OpenError::too_short), "sealed_too_short");
  EXPECT_EQ(to_string(OpenError::unsupported_version), "sealed_unsupported_version");
  EXPECT_EQ(to_string(OpenError::other_cluster), "other_cluster");
  EXPECT_EQ(to_string(OpenError::unknown_key), "unknown_key");
  EXPECT_EQ(to_string(OpenError::forged), "forged");
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kOpenErrorCount; ++i) {
    names.insert(to_string(static_cast<OpenError>(i)));
  }
  EXPECT_EQ(names.size(), kOpenErrorCount);
}

}  // namespace
}  // namespace convoy::crypto
