// Random: the simulator's randomness. Every draw in a run descends from the one seed the
// scenario gives, so a failure found at scale replays exactly from that seed. The helpers below
// avoid the std:: distributions on purpose: their output differs between standard libraries,
// which would make a seed mean different runs on different machines.
#pragma once

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

/// A std::mt19937_64 with portable draws on top.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }

  /// Uniform in [0, 1), using the top 53 bits so every value is exactly representable.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  /// True with probability p. Draws nothing when the answer is certain, so turning loss off
  /// costs no randomness.
  bool chance(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    return uniform01() < p;
  }

  /// Uniform in [0, n); n must be positive. Rejection removes modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t r = engine_();
      if (r >= threshold) return r % n;
    }
  }

  /// Exponential with the given mean. 1 - u is in (0, 1], so the log is finite.
  double exponential(double mean) { return -mean * std::log1p(-uniform01()); }

  /// For callers that need a standard UniformRandomBitGenerator (std::shuffle...).
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace convoy::sim
