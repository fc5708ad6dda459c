// Hostile input: whatever bytes arrive, decode() neither crashes nor throws, and whatever it
// accepts is a packet the encoder reproduces exactly.
#include "wire_test_support.hpp"

#include <rapidcheck/gtest.h>

#include <vector>

namespace convoy::wire::test {
namespace {

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

// A digest range whose level and index are any numbers at all, as a forger would send them:
// accepted exactly when the tree has that range, and then read back unchanged.
RC_GTEST_PROP(CodecHostile, ForgedDigestRangesAreAcceptedOnlyInsideTheTree,
              (std::uint32_t level, std::uint32_t index, std::uint64_t hash)) {
  // Small levels and indexes near each level's bound are where a wrong comparison would show.
  level = *rc::gen::weightedOneOf<std::uint32_t>(
      {{1, rc::gen::just(level)}, {4, rc::gen::inRange<std::uint32_t>(0, kMaxDigestLevel + 3)}});
  if (level <= kMaxDigestLevel + 1 && *rc::gen::arbitrary<bool>()) {
    const auto bound = static_cast<std::uint32_t>(testgen::ranges_at(level));
    index = bound - 1 + *rc::gen::inRange<std::uint32_t>(0, 3);  // last, just out, further
  }
  const bool in_tree = level <= kMaxDigestLevel && index < testgen::ranges_at(level);
  RC_CLASSIFY(in_tree, "in the tree");

  pb::Packet digest;
  pb::DigestRange& r = *digest.mutable_store_digest()->add_ranges();
  r.set_level(level);
  r.set_index(index);
  r.set_hash(hash);
  pb::Packet detail = valid_detail();
  *detail.mutable_store_digest_detail()->add_ranges() = r;

  for (const pb::Packet& msg : {digest, detail}) {
    const DecodeResult got = decode(wrap(msg), kLimit);
    RC_ASSERT(got.packet.has_value() == in_tree);
    if (!in_tree) {
      RC_ASSERT(got.error == DecodeError::invalid);
      continue;
    }
    const std::vector<DigestRange>& ranges =
        std::holds_alternative<StoreDigest>(got.packet->body)
            ? std::get<StoreDigest>(got.packet->body).ranges
            : std::get<StoreDigestDetail>(got.packet->body).ranges;
    RC_ASSERT(ranges.back() == (DigestRange{level, index, hash}));
  }
}

}  // namespace
}  // namespace convoy::wire::test
