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
// A store that holds nothing at watermark 0 contributes nothing, whatever its epoch: the many
// empty stores of a large cluster cost nothing and agree everywhere, and an owner's own empty
// store agrees with replicas that have never heard of it. A replica at watermark 0 that holds
// items (rumours above a lost first write) does contribute: if its owner has meanwhile restarted
// into a new, still empty life, that difference is the only sign the replica is stale.
#pragma once

#include "core/mix64.hpp"
#include "core/replication/store_replica.hpp"
#include "wire/codec.hpp"

#include <convoy/member_id.hpp>

#include <array>
#include <cstdint>

namespace convoy::core {

/// Where one owner's store stands in a replica, as far as the digest is concerned.
struct StoreStanding {
  std::uint64_t epoch = 0;
  std::uint64_t version = 0;  // the watermark
  bool holds_items = false;   // anything at all, tombstones and items above the watermark too
  friend bool operator==(const StoreStanding&, const StoreStanding&) = default;
};

[[nodiscard]] inline StoreStanding standing_of(const StoreReplica& r) {
  return StoreStanding{r.epoch(), r.version(), !r.empty()};
}

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

  /// Contribution of one owner; zero for a store that holds nothing at watermark 0.
  [[nodiscard]] static std::uint64_t contribution(const MemberId& owner, const StoreStanding& s) {
    if (s.version == 0 && !s.holds_items) return 0;
    return mix(owner.hi ^ mix(owner.lo ^ mix(s.epoch ^ mix(s.version))));
  }

  /// Records that `owner` moved from standing `before` to `after`.
  void change(const MemberId& owner, const StoreStanding& before, const StoreStanding& after) {
    const std::uint64_t delta = contribution(owner, before) ^ contribution(owner, after);
    buckets_[index_at(position(owner), 1)] ^= delta;
    root_ ^= delta;
  }

  [[nodiscard]] std::uint64_t root() const { return root_; }
  /// The hash of level-1 range `index`.
  [[nodiscard]] std::uint64_t bucket(std::uint32_t index) const { return buckets_[index]; }

 private:
  static std::uint64_t mix(std::uint64_t x) { return mix64(x); }

  std::uint64_t root_ = 0;
  std::array<std::uint64_t, kFanout> buckets_{};
};

}  // namespace convoy::core
