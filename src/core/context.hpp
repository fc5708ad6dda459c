// Context: what every component of one engine shares: its settings, its world, its one source
// of randomness and its counters. The engine owns them; components hold this bundle of
// references, never copies, so there is exactly one of each per engine.
#pragma once

#include "core/engine_stats.hpp"
#include "core/environment.hpp"
#include "core/random.hpp"

#include <convoy/config.hpp>

namespace convoy::core {

struct Context {
  const Config& config;
  Environment& env;
  Random& rng;
  EngineStats& stats;
};

}  // namespace convoy::core
