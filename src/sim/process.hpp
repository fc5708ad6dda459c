// Process: anything the simulator can run on a node. The engine and network only know this
// interface, so they can be tested with small scripted processes while the protocol core is
// adapted separately (node_process.hpp).
#pragma once

#include "core/environment.hpp"
#include "core/time.hpp"
#include "sim/port.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace convoy::sim {

class Process {
 public:
  virtual ~Process() = default;

  /// Called once the process is installed in its slot (after add or restart): the place to
  /// send the first messages and arm the first timer.
  virtual void start(core::TimePoint /*now*/) {}

  virtual void handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                               core::TimePoint now) = 0;
  /// A stream message on connection `stream`. `from` is the connection's peer: for a message
  /// that opened a connection, an ephemeral port of the sender (as TCP would show it), never
  /// its member address; for a reply on a connection this process opened, the address it
  /// connected to.
  virtual void handle_stream(core::StreamId stream, const Address& from,
                             std::span<const std::uint8_t> bytes, core::TimePoint now) = 0;
  virtual void handle_timer(core::TimePoint now) = 0;
  /// A stream this process sent to `to` was refused: nothing listens there (no process yet, or
  /// a crashed one). Like a TCP reset, it comes back a round trip after the send. A partitioned
  /// or paused target refuses nothing: the sender hears silence.
  virtual void handle_stream_failed(const Address& /*to*/, core::TimePoint /*now*/) {}
};

/// Builds the process for a slot; called on add and on every restart with a fresh Port.
using ProcessFactory = std::function<std::unique_ptr<Process>(Port)>;

}  // namespace convoy::sim
