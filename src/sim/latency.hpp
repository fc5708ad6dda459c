// LatencyModel: how long a message spends on a link. Real links have a floor (distance,
// switching) and a variable part (queues); the variable part is what reorders datagrams, so it
// is drawn per message.
#pragma once

#include "core/time.hpp"
#include "sim/random.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>

namespace convoy::sim {

enum class Jitter : std::uint8_t {
  none,         ///< always exactly `base`
  uniform,      ///< base + uniform in [0, jitter]
  exponential,  ///< base + exponential with mean `jitter`: rare long tails, like queueing
};

struct LatencyModel {
  core::Duration base = std::chrono::milliseconds(1);
  core::Duration jitter = std::chrono::milliseconds(4);
  Jitter shape = Jitter::uniform;

  [[nodiscard]] core::Duration sample(Random& rng) const {
    const auto spread = jitter.count();
    if (spread <= 0) return base;
    switch (shape) {
      case Jitter::none:
        return base;
      case Jitter::uniform:
        return base + core::Duration(static_cast<core::Duration::rep>(
                          rng.below(static_cast<std::uint64_t>(spread) + 1)));
      case Jitter::exponential:
        return base + core::Duration(static_cast<core::Duration::rep>(
                          std::llround(rng.exponential(static_cast<double>(spread)))));
    }
    return base;
  }
};

}  // namespace convoy::sim
