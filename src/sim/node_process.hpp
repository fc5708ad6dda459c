// NodeProcess: runs one protocol core (core::Engine) as a simulated process. It is the core's
// Environment inside the simulator: sends and timers go to the simulator through the Port, and
// membership events go to the scenario's observer, tagged with who saw them and when. Keeping
// this adapter apart lets the engine be built and tested without the core.
#pragma once

#include <convoy/config.hpp>
#include <convoy/event.hpp>
#include "core/engine.hpp"
#include "core/environment.hpp"
#include "core/time.hpp"
#include "sim/port.hpp"
#include "sim/process.hpp"
#include "sim/restart_memory.hpp"

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace convoy::sim {

/// What a node is built from. Kept by the process so a restart can reuse it.
struct NodeSetup {
  convoy::Config config{};
  MemberId id{};
  std::uint64_t incarnation = 0;
  /// Joined through on start, in order; empty means start alone as a new cluster.
  std::vector<Address> seeds;
  /// The node's random seed; by default the Port's, derived from the simulator's seed.
  std::optional<std::uint64_t> seed;
};

/// One core event, as seen by one node at one moment.
struct ObservedEvent {
  Slot slot = 0;        ///< the node that saw it
  MemberId observer{};  ///< that node's id
  core::TimePoint at{};
  const convoy::Event& event;
};

/// Called synchronously from inside the node's handlers: record, don't re-enter the run loop.
using EventObserver = std::function<void(const ObservedEvent&)>;

class NodeProcess final : public Process, private core::Environment {
 public:
  NodeProcess(Port port, NodeSetup setup, EventObserver observer);

  /// Joins through the setup's seeds, or starts alone if there are none.
  void start(core::TimePoint now) override;
  void handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                       core::TimePoint now) override;
  void handle_stream(core::StreamId stream, const Address& from,
                     std::span<const std::uint8_t> bytes, core::TimePoint now) override;
  void handle_timer(core::TimePoint now) override;
  void handle_stream_failed(const Address& to, core::TimePoint now) override;

  [[nodiscard]] core::Engine& node() { return node_; }
  [[nodiscard]] const core::Engine& node() const { return node_; }
  [[nodiscard]] const NodeSetup& setup() const { return setup_; }
  /// The setup for this member's next life: same id and seeds; the incarnation above any it
  /// used if `memory` is kept, 0 if it is none.
  [[nodiscard]] NodeSetup restart_setup(RestartMemory memory) const;

 private:
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) override;
  void send_stream(const Address& to, std::vector<std::uint8_t> bytes) override;
  void reply(core::StreamId stream, std::vector<std::uint8_t> bytes) override;
  /// The simulator persists nothing: a restart "with memory" keeps only the incarnation, which
  /// restart_setup() carries over.
  void make_durable(const core::DurableChange&) override {}
  void schedule(core::TimePoint at) override;
  void notify(const convoy::Event& event) override;

  // Declared before node_: the node may call the Environment from its constructor.
  Port port_;
  NodeSetup setup_;
  EventObserver observer_;
  core::Engine node_;
};

/// A ProcessFactory for Simulator::add_node / restart that builds a NodeProcess.
[[nodiscard]] ProcessFactory node_factory(NodeSetup setup, EventObserver observer = {});

}  // namespace convoy::sim
