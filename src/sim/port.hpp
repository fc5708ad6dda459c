// Port: a process's handle on the simulated world. It is all a process may use to act (send,
// arm its timer, read the clock), which keeps processes ignorant of the engine and lets the
// engine ignore calls from process instances that have since crashed or been replaced.
#pragma once

#include "core/environment.hpp"
#include "core/time.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace convoy::sim {

/// Index of a node in the simulator: dense, stable for the run, survives restarts.
using Slot = std::uint32_t;

class Simulator;

/// The sim names a connection by the process at its other end: (slot, generation). A
/// connection dies with that process, as a TCP connection would.
[[nodiscard]] constexpr core::StreamId stream_of(Slot slot, std::uint32_t generation) {
  return (core::StreamId{slot} << 32) | generation;
}
[[nodiscard]] constexpr Slot slot_of_stream(core::StreamId stream) {
  return static_cast<Slot>(stream >> 32);
}
[[nodiscard]] constexpr std::uint32_t generation_of_stream(core::StreamId stream) {
  return static_cast<std::uint32_t>(stream);
}

class Port {
 public:
  Port(Simulator& sim, Slot slot, std::uint32_t generation)
      : sim_(&sim), slot_(slot), generation_(generation) {}

  /// Unreliable: may be lost, duplicated, reordered, or dropped by a partition.
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) const;
  /// Reliable and ordered per (sender, receiver) while the link and receiver stay up.
  void send_stream(const Address& to, std::vector<std::uint8_t> bytes) const;
  /// Answers on connection `stream` (one this process received a message on). Delivered only
  /// while the process at the other end is the one that sent on it: a connection dies with its
  /// process.
  void reply(core::StreamId stream, std::vector<std::uint8_t> bytes) const;
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
