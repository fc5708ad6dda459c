// Random: the simulator's randomness. Every draw in a run descends from the one seed the
// scenario gives, so a failure found at scale replays exactly from that seed. The helpers below
// avoid the std:: distributions on purpose: their output differs between standard libraries,
// which would make a seed mean different runs on different machines.
#pragma once

#include "core/random.hpp"

#include <cmath>
#include <cstdint>
#include <random>

namespace convoy::sim {

/// SplitMix64's finaliser: a cheap bijection that spreads nearby inputs over all 64 bits, so
/// seeds derived from (seed, small number) pairs are unrelated to each other.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A seed for one purpose (network, scenario, one node's incarnation...). Separate streams keep
/// a change in one consumer (a node drawing one more number) from shifting every other draw.
[[nodiscard]] constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t purpose) {
  return mix64(seed ^ mix64(purpose));
}

/// What each derived stream is for; the values are part of what a seed means, keep them stable.
enum class Purpose : std::uint64_t {
  network = 1,   ///< loss, duplication, latency draws
  scenario = 2,  ///< choices the scenario code makes (which node to crash...)
  process = 3,   ///< seeds handed to processes, mixed with slot and generation
  links = 4,     ///< stable per-link latency offsets
};

[[nodiscard]] constexpr std::uint64_t derive_seed(std::uint64_t seed, Purpose purpose) {
  return derive_seed(seed, static_cast<std::uint64_t>(purpose));
}

/// The core's portable random source (core/random.hpp), shared so that every draw of a run,
/// the nodes' and the simulator's, is the same on every standard library.
using Random = core::Random;

}  // namespace convoy::sim
