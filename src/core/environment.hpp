// Environment: everything the engine needs from the world, supplied by its driver (the real
// runtime or the simulator). The engine calls these synchronously from inside its own handlers;
// implementations must not call back into the engine from them.
#pragma once

#include "core/time.hpp"

#include <convoy/address.hpp>
#include <convoy/event.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace convoy::core {

class Environment {
 public:
  virtual ~Environment() = default;

  /// Unreliable datagram (UDP). May be lost, duplicated or reordered.
  virtual void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) = 0;

  /// Reliable, ordered message of any size (TCP). Delivery can still fail (peer down); the
  /// engine learns that only by the absence of an answer.
  virtual void send_stream(const Address& to, std::vector<std::uint8_t> bytes) = 0;

  /// Call the engine's handle_timer() at or after `at`. Each call replaces the previous request.
  virtual void schedule(TimePoint at) = 0;

  /// Membership and self events (key events reach subscriptions only: a driver that wants them
  /// subscribes). Must be cheap: it runs inside protocol handlers.
  virtual void notify(const Event& event) = 0;
};

}  // namespace convoy::core
