// mix64: the SplitMix64 finalizer, a cheap 64-bit mix whose outputs XOR together into
// order-free summaries (the store digest, the membership view hash) without the cancellations a
// plain XOR of raw fields would have.
#pragma once

#include <cstdint>

namespace convoy::core {

[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace convoy::core
