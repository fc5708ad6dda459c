// Simulator: the discrete-event engine. It owns the virtual clock, the event queue, the
// simulated network and one slot per node, and it drives each node's Process: delivering
// messages, firing timers and applying the scenario's faults (crash, restart, pause,
// partitions). Everything runs on the caller's thread and every random choice descends from
// the one seed, so a run is a pure function of (seed, scenario).
#pragma once

#include "core/time.hpp"
#include "sim/address_book.hpp"
#include "sim/counters.hpp"
#include "sim/event_queue.hpp"
#include "sim/network.hpp"
#include "sim/port.hpp"
#include "sim/process.hpp"
#include "sim/random.hpp"

#include <convoy/address.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace convoy::sim {

struct SimConfig {
  std::uint64_t seed = 1;
  NetworkConfig network{};
  /// Datagrams a paused node's socket buffer holds; more are dropped (Counters::
  /// datagrams_overflow). Streams to a paused node are always held: TCP would hold them too.
  std::size_t paused_inbox_limit = 256;
  /// Virtual time at which the run starts.
  core::TimePoint start{};
};

enum class NodeState : std::uint8_t {
  up,       ///< processing input and timers
  paused,   ///< stalled: input queues (bounded), timers wait; see Simulator::pause
  crashed,  ///< gone: input is dropped, timers never fire, until restart
};

class Simulator {
 public:
  explicit Simulator(SimConfig config = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // --- Nodes -----------------------------------------------------------------------------

  /// Adds a node at node_address(size()), builds its process and calls its start(). If the
  /// factory throws (or returns null) the exception propagates and the slot remains, crashed
  /// and without a process, until a restart succeeds.
  Slot add_node(ProcessFactory factory);
  /// Adds a node at a chosen address; throws std::invalid_argument if it is taken.
  Slot add_node(const Address& address, ProcessFactory factory);

  /// The node stops: nothing is delivered to it and its timer never fires. Messages it already
  /// sent still arrive. Its process object is kept, unrun, so the scenario can inspect it.
  void crash(Slot slot);
  /// Replaces the node's process (whatever its state) with a new one from `factory`, then
  /// calls its start(). Stream messages sent to the old process are never delivered.
  void restart(Slot slot, ProcessFactory factory);
  /// Stalls the node (a GC pause, a stopped VM): incoming datagrams queue up to
  /// paused_inbox_limit, streams queue, timers do not fire.
  void pause(Slot slot);
  /// Ends a pause: the queued input is handled in arrival order, then the timer fires once if
  /// it fell due during the pause. No-op unless paused.
  void resume(Slot slot);

  [[nodiscard]] std::size_t size() const { return slots_.size(); }
  [[nodiscard]] NodeState state(Slot slot) const { return slots_.at(slot).state; }
  [[nodiscard]] bool is_up(Slot slot) const { return state(slot) == NodeState::up; }
  [[nodiscard]] const Address& address(Slot slot) const { return addresses_.at(slot); }
  [[nodiscard]] std::optional<Slot> find(const Address& address) const;
  /// Restarts so far: the generation the current process was built with.
  [[nodiscard]] std::uint32_t generation(Slot slot) const { return slots_.at(slot).generation; }
  /// The slot's process (kept after a crash, for inspection). Only a slot whose factory failed
  /// has none; don't ask for it.
  [[nodiscard]] Process& process(Slot slot) { return *slots_.at(slot).process; }
  [[nodiscard]] const Process& process(Slot slot) const { return *slots_.at(slot).process; }
  /// The process as a P, or nullptr if it is some other kind or there is none.
  template <class P>
  [[nodiscard]] P* process_as(Slot slot) {
    return dynamic_cast<P*>(slots_.at(slot).process.get());
  }
  /// The pending timer request, if any.
  [[nodiscard]] std::optional<core::TimePoint> timer(Slot slot) const {
    return slots_.at(slot).timer_want;
  }
  /// Input held for a paused node.
  [[nodiscard]] std::size_t inbox_size(Slot slot) const { return slots_.at(slot).inbox.size(); }

  // --- Time ------------------------------------------------------------------------------

  [[nodiscard]] core::TimePoint now() const { return now_; }
  /// Runs the next event, if any; returns false when the queue is empty.
  bool step();
  /// Runs every event due at or before `until`, then sets the clock to `until`.
  void run_until(core::TimePoint until);
  void run_for(core::Duration duration) { run_until(now_ + duration); }
  /// Runs until the queue is empty or `max_events` have run; returns how many ran. Nodes with
  /// periodic timers never go idle, so the cap is required.
  std::uint64_t run_until_idle(std::uint64_t max_events);

  /// Runs `action` at virtual time `when` (now, if earlier), ordered with the other events.
  /// For scripted faults: sim.at(t, [&] { sim.crash(7); }).
  void at(core::TimePoint when, std::function<void()> action);
  void after(core::Duration delay, std::function<void()> action) {
    at(now_ + delay, std::move(action));
  }
  [[nodiscard]] std::size_t pending_events() const { return queue_.size(); }

  // --- World -----------------------------------------------------------------------------

  [[nodiscard]] Network& network() { return network_; }
  [[nodiscard]] const Network& network() const { return network_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }
  /// Sees every message a live node sends (datagram or stream) before the network takes it:
  /// for scenarios that break the traffic down by kind. Empty: no tap.
  using SendTap = std::function<void(bool datagram, std::span<const std::uint8_t> bytes)>;
  void set_send_tap(SendTap tap) { send_tap_ = std::move(tap); }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  /// Randomness for the scenario's own choices, separate from the network's and nodes'.
  [[nodiscard]] Random& scenario_rng() { return scenario_rng_; }

 private:
  friend class Port;

  /// How a message travels: which handler it reaches, and what it says of its sender.
  enum class Channel : std::uint8_t {
    datagram,
    stream,  ///< opens (or reuses) a connection: the receiver sees an ephemeral peer port
    reply,   ///< back on a connection the receiver opened: it sees the address it dialled
  };
  struct Inbound {
    Channel channel = Channel::datagram;
    Slot from = 0;
    std::uint32_t from_generation = 0;
    std::vector<std::uint8_t> bytes;
  };

  struct SlotState {
    std::unique_ptr<Process> process;
    NodeState state = NodeState::up;
    std::uint32_t generation = 0;
    // Timer: `timer_want` is what the process asked for; at most one queue entry is live (the
    // one carrying `timer_token`). Later requests only push a new entry when they are earlier
    // than the live one; a live entry that finds the request moved later re-arms itself.
    std::uint64_t timer_token = 0;
    bool timer_live = false;
    core::TimePoint timer_live_at{};
    std::optional<core::TimePoint> timer_want;
    std::vector<Inbound> inbox;
    std::size_t inbox_datagrams = 0;
  };

  // Called through Port.
  [[nodiscard]] bool acting(Slot slot, std::uint32_t generation) const;
  void send_datagram(Slot from, std::uint32_t generation, const Address& to,
                     std::span<const std::uint8_t> bytes);
  void send_stream(Slot from, std::uint32_t generation, const Address& to,
                   std::vector<std::uint8_t> bytes);
  void reply(Slot from, std::uint32_t generation, core::StreamId stream,
             std::vector<std::uint8_t> bytes);
  /// Tells `from` (if still that process, and running) that its stream to `to` was refused.
  void refuse_stream(Slot from, std::uint32_t generation, const Address& to);
  void push_stream(SimEvent::Kind kind, Slot from, std::uint32_t generation, Slot dest,
                   std::vector<std::uint8_t> bytes);
  void schedule(Slot slot, std::uint32_t generation, core::TimePoint at);
  [[nodiscard]] std::uint64_t process_seed(Slot slot, std::uint32_t generation) const;

  void install(Slot slot, ProcessFactory& factory);
  void retire(std::unique_ptr<Process> process);
  void reset_timer(SlotState& s);
  void drop_inbox(SlotState& s);
  void arm_timer(Slot slot, core::TimePoint at);
  void push_datagram(Slot from, Slot to, std::span<const std::uint8_t> bytes);

  void dispatch(SimEvent& event);
  void deliver_datagram(SimEvent& event);
  void deliver_stream(SimEvent& event);
  void fire_timer(const SimEvent& event);
  void run_action(const SimEvent& event);
  void hand_over(Slot to, const Inbound& in);
  void hand_over(Slot to, Channel channel, Slot from, std::uint32_t from_generation,
                 std::span<const std::uint8_t> bytes);
  void drain_inbox(Slot slot);
  void fire_if_due(Slot slot);

  [[nodiscard]] std::vector<std::uint8_t> take_buffer();
  void recycle(std::vector<std::uint8_t>&& buffer);

  std::uint64_t seed_;
  std::size_t paused_inbox_limit_;
  core::TimePoint now_;
  EventQueue queue_;
  Network network_;
  Random scenario_rng_;
  Counters counters_;
  SendTap send_tap_;

  std::vector<SlotState> slots_;
  /// Parallel to slots_: read for every delivery, so kept dense and apart from the rest.
  std::vector<Address> addresses_;
  AddressBook registry_;

  std::vector<std::function<void()>> actions_;
  std::vector<std::uint32_t> free_actions_;

  /// Payload buffers of delivered datagrams, reused for new ones to spare the allocator.
  std::vector<std::vector<std::uint8_t>> spare_buffers_;
  /// Processes replaced while an event ran; freed once it returns, as one may be on the stack.
  std::vector<std::unique_ptr<Process>> retired_;
  SimEvent current_;
  bool dispatching_ = false;
};

}  // namespace convoy::sim
