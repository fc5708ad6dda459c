// The digest tree on the wire: which ranges exist (level 0..3, index below 64^level), how many a
// StoreDigest (1..4096) and a StoreDigestDetail (at most 4096) may list, and what happens at
// each bound, just inside and just outside.
#include "wire_test_support.hpp"

namespace convoy::wire::test {
namespace {

pb::Packet digest_of(std::uint32_t level, std::uint32_t index) {
  pb::Packet msg;
  fill_valid(*msg.mutable_store_digest()->add_ranges(), level, index);
  return msg;
}

pb::Packet detail_of(std::uint32_t level, std::uint32_t index) {
  pb::Packet msg = valid_detail();
  fill_valid(*msg.mutable_store_digest_detail()->mutable_ranges(0), level, index);
  return msg;
}

TEST(DigestTree, ConstantsMatchTheDocumentedTree) {
  EXPECT_EQ(kDigestLevelBits, 6u);
  EXPECT_EQ(kMaxDigestLevel, 3u);
  EXPECT_EQ(testgen::ranges_at(kMaxDigestLevel), 262144u);  // the deepest level's ranges
}

TEST(DigestTree, EveryLevelAcceptsItsFirstAndLastIndexAndRefusesTheNext) {
  for (std::uint32_t level = 0; level <= kMaxDigestLevel; ++level) {
    const auto bound = static_cast<std::uint32_t>(testgen::ranges_at(level));  // 64^level
    for (auto make : {digest_of, detail_of}) {
      EXPECT_TRUE(decodes(make(level, 0))) << "level " << level << ", index 0";
      EXPECT_TRUE(decodes(make(level, bound - 1))) << "level " << level << ", last index";
      EXPECT_EQ(error_of(wrap(make(level, bound))), DecodeError::invalid)
          << "level " << level << ", index 64^level = " << bound;
      EXPECT_EQ(error_of(wrap(make(level, ~0U))), DecodeError::invalid)
          << "level " << level << ", index 2^32 - 1";
    }
  }
}

TEST(DigestTree, DeepestLevelsLastIndexIsIn) {
  const Packet p = decoded(digest_of(3, 262143));
  EXPECT_EQ(std::get<StoreDigest>(p.body).ranges.at(0),
            (DigestRange{3, 262143, 0x8000000000000001ULL}));
}

TEST(DigestTree, LevelBelowTheLeavesIsRefused) {
  for (auto make : {digest_of, detail_of}) {
    EXPECT_EQ(error_of(wrap(make(4, 0))), DecodeError::invalid) << "level 4";
    EXPECT_EQ(error_of(wrap(make(5, 0))), DecodeError::invalid) << "level 5";
    EXPECT_EQ(error_of(wrap(make(~0U, 0))), DecodeError::invalid) << "level 2^32 - 1";
  }
  // Level 4 with an index its parent level could hold is no better: the level alone decides.
  EXPECT_EQ(error_of(wrap(digest_of(4, 100))), DecodeError::invalid);
}

// A level or index is a uint32 on the wire. Protobuf reads a longer varint into one by keeping
// its low 32 bits (for every uint32 field, ports included), so the tree's bounds apply to what
// is left: 2^32 + 4 is level 4 (refused), 2^32 + 1 is level 1 (accepted as level 1).
TEST(DigestTree, WideVarintsAreCutTo32BitsBeforeTheCheck) {
  auto digest_with_level = [](std::uint64_t level, std::uint64_t index) {
    std::string range;
    append_varint_field(range, pb::DigestRange::kLevelFieldNumber, level);
    append_varint_field(range, pb::DigestRange::kIndexFieldNumber, index);
    std::string digest;
    append_bytes_field(digest, pb::StoreDigest::kRangesFieldNumber, range);
    std::string payload;
    append_bytes_field(payload, pb::Packet::kStoreDigestFieldNumber, digest);
    Bytes bytes = header();
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
  };
  const std::uint64_t wrap32 = std::uint64_t{1} << 32;
  EXPECT_EQ(error_of(digest_with_level(wrap32 + 4, 0)), DecodeError::invalid);
  const DecodeResult r = decode(digest_with_level(wrap32 + 1, wrap32 + 63), kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(std::get<StoreDigest>(r.packet->body).ranges.at(0), (DigestRange{1, 63, 0}));
  EXPECT_EQ(error_of(digest_with_level(wrap32 + 1, wrap32 + 64)), DecodeError::invalid);
}

TEST(DigestTree, DigestNeedsOneTo4096Ranges) {
  pb::Packet msg;
  msg.mutable_store_digest();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);  // zero ranges
  fill_valid(*msg.mutable_store_digest()->add_ranges(), 0, 0);
  EXPECT_TRUE(decodes(msg));
  for (std::uint32_t i = 1; i < 4096; ++i)
    fill_valid(*msg.mutable_store_digest()->add_ranges(), 2, i);
  ASSERT_EQ(msg.store_digest().ranges_size(), 4096);
  EXPECT_EQ(std::get<StoreDigest>(decoded(msg).body).ranges.size(), 4096u);
  fill_valid(*msg.mutable_store_digest()->add_ranges(), 2, 0);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);  // 4097
}

TEST(DigestTree, DetailHoldsAtMost4096Ranges) {
  pb::Packet msg = valid_detail();
  msg.mutable_store_digest_detail()->clear_ranges();
  // No lower bound: a detail of no range decodes (the engine then finds no owner it covers).
  EXPECT_TRUE(decodes(msg));
  for (std::uint32_t i = 0; i < 4096; ++i)
    fill_valid(*msg.mutable_store_digest_detail()->add_ranges(), 3, i * 64);
  EXPECT_EQ(std::get<StoreDigestDetail>(decoded(msg).body).ranges.size(), 4096u);
  fill_valid(*msg.mutable_store_digest_detail()->add_ranges(), 3, 1);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);  // 4097
}

// The owners of a detail have no count limit of their own: only the input size bounds them.
TEST(DigestTree, DetailOwnersAreBoundedOnlyByTheInputSize) {
  pb::Packet msg = valid_detail();
  for (int i = 0; i < 5000; ++i) fill_valid(*msg.mutable_store_digest_detail()->add_owners());
  EXPECT_EQ(std::get<StoreDigestDetail>(decoded(msg).body).owners.size(), 5001u);
}

// One bad range rejects the whole list, wherever it is: the last of 4096 as much as the first.
TEST(DigestTree, OneRangeOutsideTheTreeRejectsTheList) {
  pb::Packet msg;
  for (std::uint32_t i = 0; i < 4096; ++i)
    fill_valid(*msg.mutable_store_digest()->add_ranges(), 1, i % 64);
  ASSERT_TRUE(decodes(msg));
  msg.mutable_store_digest()->mutable_ranges(4095)->set_index(64);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
  msg.mutable_store_digest()->mutable_ranges(4095)->set_index(63);
  msg.mutable_store_digest()->mutable_ranges(0)->set_level(4);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);

  pb::Packet detail = valid_detail();
  fill_valid(*detail.mutable_store_digest_detail()->add_ranges(), 0, 0);
  ASSERT_TRUE(decodes(detail));
  detail.mutable_store_digest_detail()->mutable_ranges(1)->set_index(1);
  EXPECT_EQ(error_of(wrap(detail)), DecodeError::invalid);
}

// The root may be listed with an omitted level and index (both 0), the cheapest range there is.
TEST(DigestTree, RootNeedsNoLevelOrIndexOnTheWire) {
  pb::Packet msg;
  msg.mutable_store_digest()->add_ranges()->set_hash(1);
  EXPECT_EQ(std::get<StoreDigest>(decoded(msg).body).ranges.at(0), (DigestRange{0, 0, 1}));
  // A range with nothing set at all is the root with hash 0: a sender that holds no written
  // store, which is valid.
  pb::Packet empty;
  empty.mutable_store_digest()->add_ranges();
  EXPECT_EQ(std::get<StoreDigest>(decoded(empty).body).ranges.at(0), (DigestRange{0, 0, 0}));
}

}  // namespace
}  // namespace convoy::wire::test
