// StoreDigest: a fixed-size summary of how far a node has applied every owner's store, for
// anti-entropy. Owners hash into kBuckets buckets; a bucket's value is the XOR of a 64-bit mix
// of (owner, epoch, watermark) over the owners in it, maintained incrementally (XOR out the old
// contribution, XOR in the new), so keeping it costs O(1) per change and sending it costs one
// datagram whatever the cluster size: 64 buckets × 8 bytes ≈ 530 bytes on the wire.
// Two nodes whose buckets match hold the same watermarks (up to hash collisions); a differing
// bucket is resolved by exchanging per-owner versions for that bucket only.
#pragma once

#include <convoy/member_id.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace convoy::core {

class StoreDigestState {
 public:
  static constexpr std::uint32_t kBuckets = 64;

  [[nodiscard]] static std::uint32_t bucket(const MemberId& owner) {
    return static_cast<std::uint32_t>(mix(owner.hi ^ (owner.lo * 0x9E3779B97F4A7C15ULL)) >> 58);
  }

  /// Contribution of one owner; zero for a store never written (epoch and version 0), so the
  /// many empty stores of a large cluster cost nothing and agree everywhere.
  [[nodiscard]] static std::uint64_t contribution(const MemberId& owner, std::uint64_t epoch,
                                                  std::uint64_t version) {
    if (epoch == 0 && version == 0) return 0;
    return mix(owner.hi ^ mix(owner.lo ^ mix(epoch ^ mix(version))));
  }

  /// Records that `owner` moved from (old_epoch, old_version) to (epoch, version).
  void change(const MemberId& owner, std::uint64_t old_epoch, std::uint64_t old_version,
              std::uint64_t epoch, std::uint64_t version) {
    std::uint64_t& b = buckets_[bucket(owner)];
    b ^= contribution(owner, old_epoch, old_version);
    b ^= contribution(owner, epoch, version);
  }

  [[nodiscard]] std::vector<std::uint64_t> buckets() const {
    return {buckets_.begin(), buckets_.end()};
  }
  [[nodiscard]] std::uint64_t bucket_value(std::uint32_t b) const { return buckets_[b]; }

 private:
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }

  std::array<std::uint64_t, kBuckets> buckets_{};
};

}  // namespace convoy::core
