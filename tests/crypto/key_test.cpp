// Keys and their ids: the base64 text accepts exactly one spelling of each key (standard
// alphabet, padded, canonical, nothing inside it), the id matches a value computed by another
// BLAKE2b implementation, and copies, assignments and destruction treat the secret as promised.
#include "crypto_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <set>
#include <string>

namespace convoy::crypto {
namespace {

using namespace test;

Bytes bytes_of(const Key& key) {
  return Bytes(key.bytes().begin(), key.bytes().end());
}

std::string golden() {
  return std::string(kCountingKeyBase64);
}

// ---- base64 ----------------------------------------------------------------------------------

TEST(KeyBase64, GoldenKeyEncodesAndDecodes) {
  const Key key = counting_key(0);
  EXPECT_EQ(key.to_base64(), kCountingKeyBase64);
  const auto back = Key::from_base64(kCountingKeyBase64);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(bytes_of(*back), bytes_of(key));
  EXPECT_EQ(back->id(), key.id());
}

TEST(KeyBase64, GeneratedKeysRoundTrip) {
  for (int i = 0; i < 200; ++i) {
    const Key key = Key::generate();
    const std::string text = key.to_base64();
    ASSERT_EQ(text.size(), 44U);
    const auto back = Key::from_base64(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(bytes_of(*back), bytes_of(key));
  }
}

TEST(KeyBase64, EveryByteValueRoundTrips) {
  // Keys that use '+' and '/' (62 and 63) and every other symbol of the alphabet somewhere.
  for (int first = 0; first < 256; first += 7) {
    const Key key = counting_key(static_cast<std::uint8_t>(first));
    const auto back = Key::from_base64(key.to_base64());
    ASSERT_TRUE(back.has_value()) << key.to_base64();
    EXPECT_EQ(bytes_of(*back), bytes_of(key));
  }
}

TEST(KeyBase64, AcceptsSurroundingWhitespace) {
  for (const std::string& text :
       {" " + golden(), golden() + "\n", "\t\r\n " + golden() + " \r\n\t", "\v\f" + golden()}) {
    const auto key = Key::from_base64(text);
    ASSERT_TRUE(key.has_value()) << "[" << text << "]";
    EXPECT_EQ(key->id(), kCountingKeyId);
  }
}

TEST(KeyBase64, RefusesWrongLengths) {
  const std::string g = golden();
  EXPECT_FALSE(Key::from_base64(""));
  EXPECT_FALSE(Key::from_base64("   "));
  EXPECT_FALSE(Key::from_base64(g.substr(0, 43))) << "padding dropped: 43 characters";
  EXPECT_FALSE(Key::from_base64(g + "=")) << "45 characters";
  EXPECT_FALSE(Key::from_base64(g + "A")) << "45 characters";
  EXPECT_FALSE(Key::from_base64("A" + g)) << "45 characters";
  // 32 characters of valid base64: 24 bytes.
  EXPECT_FALSE(Key::from_base64(g.substr(0, 32)));
  // 48 and 88 characters of valid base64: 36 and 64 bytes.
  EXPECT_FALSE(Key::from_base64(g.substr(0, 40) + "AAAAAAAA"));
  EXPECT_FALSE(Key::from_base64(g.substr(0, 43) + "A" + g.substr(0, 43) + "="));
}

TEST(KeyBase64, Refuses44CharactersThatAreNotOnePaddedKey) {
  // 44 symbols without padding decode to 33 bytes.
  EXPECT_FALSE(Key::from_base64(std::string(44, 'A')));
  // "==" at the end: 31 bytes.
  EXPECT_FALSE(Key::from_base64(golden().substr(0, 42) + "=="));
  // Padding anywhere but at the end.
  std::string early = golden();
  early[20] = '=';
  EXPECT_FALSE(Key::from_base64(early));
  EXPECT_FALSE(Key::from_base64("=" + golden().substr(0, 43)));
}

TEST(KeyBase64, RefusesNonCanonicalTrailingBits) {
  // 43 symbols carry 258 bits: the last symbol's two low bits must be zero. '8' (60) ends the
  // golden key; '9' (61), '+' (62) and '/' (63) would decode to the same 32 bytes under a lax
  // decoder, giving one key several texts.
  for (const char last : {'9', '+', '/'}) {
    std::string text = golden();
    ASSERT_EQ(text[42], '8');
    text[42] = last;
    EXPECT_FALSE(Key::from_base64(text)) << text;
  }
}

TEST(KeyBase64, RefusesBadAlphabet) {
  for (const char bad : {'!', '*', '.', '-', '_', '~', '\0', '\x80', '\xc3', '\xff'}) {
    for (const std::size_t at : {std::size_t{0}, std::size_t{21}, std::size_t{42}}) {
      std::string text = golden();
      text[at] = bad;
      EXPECT_FALSE(Key::from_base64(text)) << "byte " << static_cast<int>(bad) << " at " << at;
    }
  }
}

TEST(KeyBase64, RefusesUrlSafeVariant) {
  // 32 bytes of 0xff: "////.../8=" in the standard alphabet, "____..._8=" in the URL-safe one.
  std::array<std::uint8_t, kKeySize> ones{};
  ones.fill(0xff);
  const Key key = Key::from_bytes(ones);
  std::string url = key.to_base64();
  ASSERT_EQ(url.substr(0, 4), "////");
  std::replace(url.begin(), url.end(), '/', '_');
  std::replace(url.begin(), url.end(), '+', '-');
  EXPECT_FALSE(Key::from_base64(url)) << url;
  // And the URL-safe variant's usual unpadded form.
  EXPECT_FALSE(Key::from_base64(url.substr(0, 43)));
  EXPECT_EQ(key.id(), kAllOnesKeyId);
}

TEST(KeyBase64, RefusesEmbeddedWhitespace) {
  // 43 symbols and one blank inside: 44 characters that a decoder skipping blanks would take.
  const std::string unpadded = golden().substr(0, 43);
  for (const char blank : {' ', '\t', '\n', '\r'}) {
    for (const std::size_t at : {std::size_t{1}, std::size_t{20}, std::size_t{42}}) {
      std::string text = unpadded;
      text.insert(at, 1, blank);
      ASSERT_EQ(text.size(), 44U);
      EXPECT_FALSE(Key::from_base64(text)) << "blank " << static_cast<int>(blank) << " at " << at;
      // And with the padding back: 45 characters, blank inside.
      EXPECT_FALSE(Key::from_base64(text + "="));
    }
  }
  // A line break before the padding.
  EXPECT_FALSE(Key::from_base64(unpadded + "\n="));
}

// ---- ids -------------------------------------------------------------------------------------

TEST(KeyId, MatchesValuesComputedIndependently) {
  EXPECT_EQ(counting_key(0).id(), kCountingKeyId);
  std::array<std::uint8_t, kKeySize> bytes{};
  EXPECT_EQ(Key::from_bytes(bytes).id(), kAllZerosKeyId);
  bytes.fill(0xff);
  EXPECT_EQ(Key::from_bytes(bytes).id(), kAllOnesKeyId);
  EXPECT_EQ(to_string(kCountingKeyId), "a6d51bed");
}

TEST(KeyId, IsStableAcrossDecodesAndCopies) {
  const Key a = counting_key(0);
  const Key b = *Key::from_base64(kCountingKeyBase64);
  const Key c = a;
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.id(), c.id());
}

TEST(KeyId, EveryOneByteChangeGivesAnotherId) {
  // The id covers every byte of the key (not, say, a prefix of it).
  const Key base = counting_key(0);
  std::set<KeyId> ids{base.id()};
  for (std::size_t at = 0; at < kKeySize; ++at) {
    std::array<std::uint8_t, kKeySize> bytes{};
    std::copy(base.bytes().begin(), base.bytes().end(), bytes.begin());
    bytes[at] ^= 0x01;
    ids.insert(Key::from_bytes(bytes).id());
  }
  EXPECT_EQ(ids.size(), kKeySize + 1);
}

TEST(KeyId, CollisionFoundByBirthdaySearchIsReal) {
  // See crypto_test_support.hpp: the keyring and sealer tests rely on these two.
  const Key a = numbered_key(kCollidingKeyA);
  const Key b = numbered_key(kCollidingKeyB);
  EXPECT_EQ(a.id(), kCollidingKeyId);
  EXPECT_EQ(b.id(), kCollidingKeyId);
  EXPECT_NE(bytes_of(a), bytes_of(b));
}

TEST(KeyGenerate, GivesDistinctKeysAndIds) {
  // 200 ids of 32 bits collide by chance with probability about 5e-6.
  std::set<Bytes> keys;
  std::set<KeyId> ids;
  for (int i = 0; i < 200; ++i) {
    const Key key = Key::generate();
    keys.insert(bytes_of(key));
    ids.insert(key.id());
  }
  EXPECT_EQ(keys.size(), 200U);
  EXPECT_EQ(ids.size(), 200U);
  EXPECT_FALSE(keys.contains(Bytes(kKeySize, 0)));
}

// ---- copies and destruction ------------------------------------------------------------------

TEST(KeyCopy, CopyAndAssignmentKeepBytesAndId) {
  const Key a = counting_key(0);
  const Key copied(a);
  EXPECT_EQ(bytes_of(copied), bytes_of(a));
  EXPECT_EQ(copied.id(), a.id());

  Key assigned = counting_key(100);
  ASSERT_NE(assigned.id(), a.id());
  assigned = a;
  EXPECT_EQ(bytes_of(assigned), bytes_of(a));
  EXPECT_EQ(assigned.id(), kCountingKeyId);

  Key& self = assigned;
  assigned = self;
  EXPECT_EQ(bytes_of(assigned), bytes_of(a));
  EXPECT_EQ(assigned.id(), kCountingKeyId);

  // A "move" is a copy: the source keeps its key (Key declares no move operations).
  Key source = counting_key(0);
  const Key moved = std::move(source);
  EXPECT_EQ(bytes_of(moved), bytes_of(a));
  EXPECT_EQ(moved.id(), kCountingKeyId);
}

// Reads the storage a Key lived in after its destructor ran: the secret must be gone from it.
TEST(KeyCopy, DestructionZeroesTheSecret) {
  const Key original = counting_key(0);
  const Bytes secret = bytes_of(original);
  alignas(Key) std::array<std::uint8_t, sizeof(Key)> storage{};
  Key* placed = std::construct_at(reinterpret_cast<Key*>(storage.data()), original);
  const auto contains_secret = [&] {
    return std::search(storage.begin(), storage.end(), secret.begin(), secret.end()) !=
           storage.end();
  };
  ASSERT_TRUE(contains_secret()) << "the key's bytes are not stored inline; rewrite this test";
  std::destroy_at(placed);
  EXPECT_FALSE(contains_secret());
}

// ---- parse_key_id ----------------------------------------------------------------------------

TEST(KeyIdText, FormatsEightLowercaseDigits) {
  EXPECT_EQ(to_string(KeyId{0}), "00000000");
  EXPECT_EQ(to_string(KeyId{0x1a2b3c4d}), "1a2b3c4d");
  EXPECT_EQ(to_string(KeyId{0xABCDEF01}), "abcdef01");
  EXPECT_EQ(to_string(KeyId{0xffffffff}), "ffffffff");
  EXPECT_EQ(to_string(KeyId{0xf}), "0000000f");
}

TEST(KeyIdText, ParsesWhatItFormatsInEitherCase) {
  for (const KeyId id : {KeyId{0}, KeyId{1}, KeyId{0x80000000}, KeyId{0xffffffff}, kCountingKeyId,
                         KeyId{0x0a0b0c0d}}) {
    EXPECT_EQ(parse_key_id(to_string(id)), id);
    std::string upper = to_string(id);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
      return (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
    });
    EXPECT_EQ(parse_key_id(upper), id) << upper;
  }
  EXPECT_EQ(parse_key_id("A6d51BeD"), kCountingKeyId);
}

TEST(KeyIdText, RefusesAnythingButEightHexDigits) {
  for (const std::string_view bad :
       {"", "a6d51be", "a6d51bed0", "0a6d51bed", "0xa6d51b", "a6d51beg", "a6d51be ", " a6d51be",
        "+a6d51be", "-a6d51be", "a6d5 1be", "a6d51b\xc3\xa9", "zzzzzzzz", "a6d51bed\n"}) {
    EXPECT_FALSE(parse_key_id(bad)) << "[" << bad << "]";
  }
  EXPECT_FALSE(parse_key_id(std::string_view("a6d51be\0", 8)));
}

}  // namespace
}  // namespace convoy::crypto
