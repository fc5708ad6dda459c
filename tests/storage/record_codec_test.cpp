// Record codec: what goes into data.mdb must come back exactly, and anything else (a flipped bit,
// a short or long record, a record under the wrong key, a newer format) must be refused with the
// right error code rather than decoded into a plausible but different state.
#include "storage/record_codec.hpp"

#include "storage_generators.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace convoy::storage::records {
namespace {

template <typename T>
ErrorCode failure_code(const Decoded<T>& decoded) {
  const auto* failure = std::get_if<DecodeFailure>(&decoded);
  return failure == nullptr ? ErrorCode::not_running : failure->code;  // not_running: "decoded"
}

template <typename T>
bool decoded_ok(const Decoded<T>& decoded) {
  return std::holds_alternative<T>(decoded);
}

// Recomputes the trailing CRC over `prefix` + body, so a test can build a record that is
// well-formed except for what it means.
void reseal(std::string& bytes, std::string_view prefix = {}) {
  const auto body = std::string_view(bytes).substr(0, bytes.size() - 4);
  const auto crc = crc32c(body, crc32c(prefix));
  for (int i = 0; i < 4; ++i)
    bytes[bytes.size() - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}

// Overwrites the little-endian u32 at `at`, then reseals.
void set_u32_and_reseal(std::string& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  reseal(bytes);
}

Meta sample_meta() {
  return {MemberId{0x0123456789abcdefULL, 0xfedcba9876543210ULL}, 7, 3, 1000, 990};
}

TEST(Crc32c, MatchesTheStandardCheckValue) {
  // The check value of CRC-32C (RFC 3720, appendix B.4) for the ASCII digits 1..9.
  EXPECT_EQ(crc32c("123456789"), 0xE3069283U);
  EXPECT_EQ(crc32c(""), 0U);
  EXPECT_EQ(crc32c("6789", crc32c("12345")), crc32c("123456789"));
}

TEST(MetaRecord, HasTheDocumentedLayout) {
  const auto bytes = encode_meta(sample_meta());
  ASSERT_EQ(bytes.size(), 64U);
  EXPECT_EQ(bytes.substr(0, 8), "CONVOYMD");
  EXPECT_EQ(bytes.substr(8, 4), std::string("\x01\x00\x00\x00", 4));  // version 1, little-endian
  EXPECT_EQ(static_cast<unsigned char>(bytes[12]), 0xEF);             // hi's lowest byte first
  EXPECT_EQ(static_cast<unsigned char>(bytes[28]), 7);                // incarnation
}

RC_GTEST_PROP(MetaRecord, RoundTrips, ()) {
  Meta meta;
  meta.id = *testing::gen_member_id();
  meta.incarnation = *rc::gen::arbitrary<std::uint64_t>();
  meta.store_epoch = *rc::gen::arbitrary<std::uint64_t>();
  meta.store_version = *rc::gen::arbitrary<std::uint64_t>();
  meta.gc_version = *rc::gen::arbitrary<std::uint64_t>();
  const auto decoded = decode_meta(encode_meta(meta));
  RC_ASSERT(decoded_ok(decoded));
  RC_ASSERT(std::get<Meta>(decoded) == meta);
}

TEST(MetaRecord, EveryFlippedBitIsRefused) {
  const auto good = encode_meta(sample_meta());
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
      const auto code = failure_code(decode_meta(bad));
      if (at < 8) {
        EXPECT_EQ(code, ErrorCode::data_dir_foreign) << "byte " << at << " bit " << bit;
      } else if (at < 12) {
        // Version 1 with a bit flipped is either 0 (damage) or above 1 (looks newer).
        EXPECT_TRUE(code == ErrorCode::data_dir_damaged || code == ErrorCode::data_dir_newer)
            << "byte " << at << " bit " << bit;
      } else {
        EXPECT_EQ(code, ErrorCode::data_dir_damaged) << "byte " << at << " bit " << bit;
      }
    }
  }
}

TEST(MetaRecord, EveryWrongLengthIsRefused) {
  const auto good = encode_meta(sample_meta());
  for (std::size_t size = 0; size < good.size(); ++size) {
    EXPECT_FALSE(decoded_ok(decode_meta(good.substr(0, size)))) << size;
  }
  EXPECT_EQ(failure_code(decode_meta(good + '\0')), ErrorCode::data_dir_damaged);
}

TEST(MetaRecord, NewerVersionIsReportedBeforeAnythingElseIsRead) {
  // A newer format may change the rest of the record: length and checksum included.
  auto newer = encode_meta(sample_meta()).substr(0, 12) + "whatever version 2 keeps here";
  set_u32_and_reseal(newer, 8, 2);
  newer[20] = 'x';  // and the checksum is wrong as well: still "newer", not "damaged"
  const auto decoded = decode_meta(newer);
  ASSERT_EQ(failure_code(decoded), ErrorCode::data_dir_newer);
  EXPECT_NE(std::get<DecodeFailure>(decoded).reason.find("version 2"), std::string::npos);
}

TEST(MetaRecord, VersionZeroAndNilIdAreDamage) {
  auto zero = encode_meta(sample_meta());
  set_u32_and_reseal(zero, 8, 0);
  EXPECT_EQ(failure_code(decode_meta(zero)), ErrorCode::data_dir_damaged);
  EXPECT_EQ(failure_code(decode_meta(encode_meta(Meta{}))), ErrorCode::data_dir_damaged);
}

RC_GTEST_PROP(ItemRecord, RoundTrips, ()) {
  const auto item = *testing::gen_stored_item();
  const auto decoded = decode_item(item.key, encode_item(item));
  RC_ASSERT(decoded_ok(decoded));
  RC_ASSERT(std::get<StoredItem>(decoded) == item);
}

TEST(ItemRecord, EveryFlippedBitAndEveryTruncationIsRefused) {
  const StoredItem item{"some/key", std::string("v\0alue", 6), 0x1122334455667788ULL, true};
  const auto good = encode_item(item);
  ASSERT_EQ(good.size(), 13U + item.value.size());
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
      EXPECT_EQ(failure_code(decode_item(item.key, bad)), ErrorCode::data_dir_damaged)
          << "byte " << at << " bit " << bit;
    }
  }
  for (std::size_t size = 0; size < good.size(); ++size) {
    EXPECT_FALSE(decoded_ok(decode_item(item.key, good.substr(0, size)))) << size;
  }
  EXPECT_FALSE(decoded_ok(decode_item(item.key, good + 'x')));
}

TEST(ItemRecord, RecordUnderAnotherKeyIsRefused) {
  const StoredItem item{"alpha", "value", 5, false};
  EXPECT_EQ(failure_code(decode_item("alphb", encode_item(item))), ErrorCode::data_dir_damaged);
  EXPECT_EQ(failure_code(decode_item("alph", encode_item(item))), ErrorCode::data_dir_damaged);
}

TEST(ItemRecord, UnknownFlagsAreRefusedEvenWithAGoodChecksum) {
  auto bytes = encode_item({"k", "v", 1, false});
  bytes[8] = 0x02;
  reseal(bytes, "k");
  EXPECT_EQ(failure_code(decode_item("k", bytes)), ErrorCode::data_dir_damaged);
  bytes[8] = 0x01;
  reseal(bytes, "k");
  EXPECT_TRUE(decoded_ok(decode_item("k", bytes)));  // the control: same bytes, known flag
}

RC_GTEST_PROP(PeersRecord, RoundTrips, ()) {
  const auto peers = *testing::gen_peers();
  const auto decoded = decode_peers(encode_peers(peers));
  RC_ASSERT(decoded_ok(decoded));
  RC_ASSERT(std::get<std::vector<Address>>(decoded) == peers);
}

TEST(PeersRecord, HoldsTheLongestListAndEveryFlippedBitIsRefused) {
  std::vector<Address> peers;
  for (std::size_t i = 0; i < kMaxKnownPeers; ++i) {
    peers.push_back(
        Address::v4(10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 7946));
  }
  const auto full = encode_peers(peers);
  ASSERT_TRUE(decoded_ok(decode_peers(full)));
  EXPECT_EQ(std::get<std::vector<Address>>(decode_peers(full)), peers);

  const auto good = encode_peers({Address::v4(1, 2, 3, 4, 5)});
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
      EXPECT_EQ(failure_code(decode_peers(bad)), ErrorCode::data_dir_damaged)
          << "byte " << at << " bit " << bit;
    }
  }
}

TEST(PeersRecord, MalformedContentIsRefusedEvenWithAGoodChecksum) {
  const auto one = encode_peers({Address::v4(1, 2, 3, 4, 5)});
  auto family = one;
  family[4] = 5;  // neither 4 nor 6
  set_u32_and_reseal(family, 0, 1);
  EXPECT_EQ(failure_code(decode_peers(family)), ErrorCode::data_dir_damaged);

  auto tail = one;
  tail[4 + 1 + 10] = 1;  // a byte past an IPv4 address's four
  set_u32_and_reseal(tail, 0, 1);
  EXPECT_EQ(failure_code(decode_peers(tail)), ErrorCode::data_dir_damaged);

  auto count = one;
  set_u32_and_reseal(count, 0, 2);  // says two, holds one
  EXPECT_EQ(failure_code(decode_peers(count)), ErrorCode::data_dir_damaged);

  std::string too_many(4 + 19 * (kMaxKnownPeers + 1) + 4, '\0');
  for (std::size_t i = 0; i <= kMaxKnownPeers; ++i) too_many[4 + 19 * i] = 4;
  set_u32_and_reseal(too_many, 0, static_cast<std::uint32_t>(kMaxKnownPeers + 1));
  EXPECT_EQ(failure_code(decode_peers(too_many)), ErrorCode::data_dir_damaged);
}

}  // namespace
}  // namespace convoy::storage::records
