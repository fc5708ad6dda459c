// StoreEpoch: how the lives of one owner's store are told apart. Versions restart at 1 with
// every life of a store (a member restarted without its persisted store starts from nothing), so
// every replicated item and watermark carries its store's epoch, and a higher epoch replaces a
// replica wholesale.
//
// An epoch is a counter in its high 32 bits and a per-life nonce in its low 32 bits. The
// counter orders lives: a new life starts above what it knows and climbs above any epoch of its
// own id it later sees in the cluster (a replica of a previous life that outlived a restart
// with no memory). The nonce tells two lives apart even when their counters are equal (both
// lives started from nothing, at counter 1): an epoch of our id that is not exactly ours is
// another life's, never a reflection of our own.
#pragma once

#include <cstdint>

namespace convoy::core {

[[nodiscard]] constexpr std::uint64_t epoch_counter(std::uint64_t epoch) {
  return epoch >> 32;
}

[[nodiscard]] constexpr std::uint32_t epoch_nonce(std::uint64_t epoch) {
  return static_cast<std::uint32_t>(epoch);
}

[[nodiscard]] constexpr std::uint64_t make_epoch(std::uint64_t counter, std::uint32_t nonce) {
  return (counter << 32) | nonce;
}

/// A nonce for a new life, from the engine's seed (drawn without touching its random sequence).
/// Never 0, so no epoch of a life equals the "no store" epoch 0.
[[nodiscard]] constexpr std::uint32_t life_nonce(std::uint64_t seed) {
  std::uint64_t x = seed + 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return static_cast<std::uint32_t>(x) | 1u;
}

inline constexpr std::uint64_t kMaxEpochCounter = 0xFFFFFFFFu;

/// The first epoch above `seen` (and above `mine`) that keeps our nonce. The counter saturates
/// instead of wrapping: a wrapped counter would move a store's epoch backwards, below every
/// replica of it (a forged epoch with the top counter could then silence a member's writes).
/// At the top the result may not be above `seen`; the caller then stays where it is.
[[nodiscard]] constexpr std::uint64_t epoch_above(std::uint64_t seen, std::uint64_t mine) {
  const std::uint64_t highest =
      epoch_counter(seen) > epoch_counter(mine) ? epoch_counter(seen) : epoch_counter(mine);
  const std::uint64_t counter = highest < kMaxEpochCounter ? highest + 1 : kMaxEpochCounter;
  return make_epoch(counter, epoch_nonce(mine));
}

}  // namespace convoy::core
