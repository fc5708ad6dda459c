// Environment: everything the engine needs from the world, supplied by its driver (the real
// runtime or the simulator). The engine calls these synchronously from inside its own handlers;
// implementations must not call back into the engine from them.
#pragma once

#include "core/durable_state.hpp"
#include "core/time.hpp"

#include <convoy/address.hpp>
#include <convoy/event.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace convoy::core {

/// One stream connection, as the driver names it: a stream message arrives on one, and a reply
/// goes back on the same. Opaque to the engine; never reused by a driver while it may matter.
using StreamId = std::uint64_t;

class Environment {
 public:
  virtual ~Environment() = default;

  /// Unreliable datagram (UDP). May be lost, duplicated or reordered.
  virtual void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) = 0;

  /// Reliable, ordered message of any size (TCP) to a member's advertised address. Delivery
  /// can still fail (peer down); the engine learns that only by the absence of an answer.
  virtual void send_stream(const Address& to, std::vector<std::uint8_t> bytes) = 0;

  /// An answer on the connection `stream` a message came in on. The peer address a stream
  /// message arrives with is the connection's, an ephemeral port for an incoming connection:
  /// never a member's address, so every answer to a stream message goes back this way.
  /// Dropped if the connection is gone.
  virtual void reply(StreamId stream, std::vector<std::uint8_t> bytes) = 0;

  /// Call the engine's handle_timer() at or after `at`. Each call replaces the previous request.
  virtual void schedule(TimePoint at) = 0;

  /// Membership and self events (key events reach subscriptions only: a driver that wants them
  /// subscribes). Must be cheap: it runs inside protocol handlers.
  virtual void notify(const Event& event) = 0;

  /// `change` must survive a restart. The driver commits it before anything sent from the same
  /// handler call leaves the machine (a driver that keeps nothing ignores it).
  virtual void make_durable(const DurableChange& change) = 0;
};

}  // namespace convoy::core
