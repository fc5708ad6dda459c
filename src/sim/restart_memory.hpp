// RestartMemory: what a restarted member remembers of its previous life. Its own header because
// both the node adapter (node_process.hpp) and schedules (fault_schedule.hpp) speak of it, and a
// schedule should not need the engine to be read.
#pragma once

#include <cstdint>

namespace convoy::sim {

/// The simulator persists no store either way (a restarted member always starts with an empty
/// store); what differs is the incarnation, which a real member keeps on disk.
enum class RestartMemory : std::uint8_t {
  /// Identity and incarnation survived: the member comes back above any incarnation it used.
  kept,
  /// Nothing survived but the identity (a wiped disk, a re-imaged machine): incarnation 0.
  none,
};

}  // namespace convoy::sim
