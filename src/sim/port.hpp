// Port: a process's handle on the simulated world. It is all a process may use to act (send,
// arm its timer, read the clock), which keeps processes ignorant of the engine and lets the
// engine ignore calls from process instances that have since crashed or been replaced.
#pragma once

#include "core/time.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace convoy::sim {

/// Index of a node in the simulator: dense, stable for the run, survives restarts.
using Slot = std::uint32_t;

class Simulator;

class Port {
 public:
  Port(Simulator& sim, Slot slot, std::uint32_t generation)
      : sim_(&sim), slot_(slot), generation_(generation) {}

  /// Unreliable: may be lost, duplicated, reordered, or dropped by a partition.
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) const;
  /// Reliable and ordered per (sender, receiver) while the link and receiver stay up.
  void send_stream(const Address& to, std::vector<std::uint8_t> bytes) const;
  /// Asks for one handle_timer() at or after `at`, replacing any earlier request.
  void schedule(core::TimePoint at) const;

  [[nodiscard]] core::TimePoint now() const;
  [[nodiscard]] const Address& address() const;
  [[nodiscard]] Slot slot() const { return slot_; }
  /// Bumped by every restart; tells process instances of one slot apart.
  [[nodiscard]] std::uint32_t generation() const { return generation_; }
  /// A seed for this process instance, derived from the simulator's seed, slot and generation.
  [[nodiscard]] std::uint64_t seed() const;

 private:
  Simulator* sim_;
  Slot slot_;
  std::uint32_t generation_;
};

}  // namespace convoy::sim
