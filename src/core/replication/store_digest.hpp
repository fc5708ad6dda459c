// StoreDigest: a summary of how far this member has applied every owner's store, shaped as a
// tree so that two members compare it top-down and exchange only what differs.
//
// Every owner has a 64-bit position (a hash of its id). The range at level L, index i holds the
// owners whose position starts with the 6·L bits of i: level 0 is everybody, level 1 has 64
// ranges, level 2 4,096, level 3 262,144. A range's hash is the XOR of each owner's
// contribution, a 64-bit mix of (owner, epoch, watermark). XOR makes the hash order-free and
// lets a change be applied in O(1): out with the old contribution, in with the new.
//
// The root and the 64 level-1 ranges are kept up to date incrementally; deeper ranges are
// computed on demand by whoever descends into them (anti-entropy, only where hashes differ).
// A store never written (watermark 0) contributes nothing, whatever its epoch: the many empty
// stores of a large cluster cost nothing and agree everywhere, and an owner's own empty store
// agrees with replicas that have never heard of it.
#pragma once

#include "wire/codec.hpp"

#include <convoy/member_id.hpp>

#include <array>
#include <cstdint>

namespace convoy::core {

class StoreDigestState {
 public:
  static constexpr std::uint32_t kLevelBits = wire::kDigestLevelBits;
  static constexpr std::uint32_t kFanout = 1u << kLevelBits;
  static constexpr std::uint32_t kMaxLevel = wire::kMaxDigestLevel;

  [[nodiscard]] static std::uint64_t position(const MemberId& owner) {
    return mix(owner.hi ^ (owner.lo * 0x9E3779B97F4A7C15ULL));
  }
  /// The index, at `level`, of the range holding `position`.
  [[nodiscard]] static std::uint32_t index_at(std::uint64_t position, std::uint32_t level) {
    return level == 0 ? 0 : static_cast<std::uint32_t>(position >> (64 - kLevelBits * level));
  }
  [[nodiscard]] static bool in_range(std::uint64_t position, std::uint32_t level,
                                     std::uint32_t index) {
    return index_at(position, level) == index;
  }

  /// Contribution of one owner; zero for a store never written.
  [[nodiscard]] static std::uint64_t contribution(const MemberId& owner, std::uint64_t epoch,
                                                  std::uint64_t version) {
    if (version == 0) return 0;
    return mix(owner.hi ^ mix(owner.lo ^ mix(epoch ^ mix(version))));
  }

  /// Records that `owner` moved from (old_epoch, old_version) to (epoch, version).
  void change(const MemberId& owner, std::uint64_t old_epoch, std::uint64_t old_version,
              std::uint64_t epoch, std::uint64_t version) {
    const std::uint64_t delta =
        contribution(owner, old_epoch, old_version) ^ contribution(owner, epoch, version);
    buckets_[index_at(position(owner), 1)] ^= delta;
    root_ ^= delta;
  }

  [[nodiscard]] std::uint64_t root() const { return root_; }
  /// The hash of level-1 range `index`.
  [[nodiscard]] std::uint64_t bucket(std::uint32_t index) const { return buckets_[index]; }

 private:
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }

  std::uint64_t root_ = 0;
  std::array<std::uint64_t, kFanout> buckets_{};
};

}  // namespace convoy::core
