// Random: the one source of randomness of a node (and of the simulator). std::mt19937_64's
// output sequence is fixed by the standard, but std::uniform_int_distribution, std::shuffle and
// friends are not: their results differ between standard libraries. Drawing through these
// helpers instead makes "same seed, same run, to the byte" hold on any toolchain.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace convoy::core {

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

  /// Fisher-Yates with below(): std::shuffle's sequence differs between standard libraries.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace convoy::core
