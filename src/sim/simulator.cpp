// Simulator: node lifecycle, message routing through the Network, timers and the event loop.
#include "sim/simulator.hpp"

#include "sim/addressing.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace convoy::sim {

namespace {

// Buffers above this are freed rather than kept: they come from the occasional big stream.
constexpr std::size_t kMaxSpareCapacity = 64 * 1024;
constexpr std::size_t kMaxSpareBuffers = 4096;

/// Marks the simulator busy for one event so that scenario code cannot re-enter the loop from
/// inside a handler (which would run later events before the current one finished).
class DispatchGuard {
 public:
  explicit DispatchGuard(bool& flag) : flag_(flag) {
    if (flag_) throw std::logic_error("sim: the event loop cannot be re-entered from an event");
    flag_ = true;
  }
  ~DispatchGuard() { flag_ = false; }
  DispatchGuard(const DispatchGuard&) = delete;
  DispatchGuard& operator=(const DispatchGuard&) = delete;

 private:
  bool& flag_;
};

}  // namespace

Simulator::Simulator(SimConfig config)
    : seed_(config.seed),
      paused_inbox_limit_(config.paused_inbox_limit),
      now_(config.start),
      network_(std::move(config.network), config.seed),
      scenario_rng_(derive_seed(config.seed, Purpose::scenario)) {}

Simulator::~Simulator() = default;

// --- Nodes -------------------------------------------------------------------------------

Slot Simulator::add_node(ProcessFactory factory) {
  return add_node(node_address(static_cast<std::uint32_t>(slots_.size())), std::move(factory));
}

Slot Simulator::add_node(const Address& address, ProcessFactory factory) {
  const auto slot = static_cast<Slot>(slots_.size());
  if (!registry_.insert(address, slot)) throw std::invalid_argument("sim: address already in use");
  slots_.emplace_back();
  addresses_.push_back(address);
  install(slot, factory);
  return slot;
}

void Simulator::install(Slot slot, ProcessFactory& factory) {
  // Live before construction, so a constructor that already sends or schedules is not ignored.
  slots_[slot].state = NodeState::up;
  std::unique_ptr<Process> process;
  try {
    process = factory(Port(*this, slot, slots_[slot].generation));
  } catch (...) {
    // The slot cannot be taken back (the constructor may have sent messages from it), so it
    // stays, crashed and without a process, until a restart succeeds.
    crash(slot);
    throw;
  }
  if (!process) {
    crash(slot);
    throw std::invalid_argument("sim: process factory returned null");
  }
  Process* raw = process.get();
  slots_[slot].process = std::move(process);
  raw->start(now_);
}

void Simulator::retire(std::unique_ptr<Process> process) {
  if (!process) return;
  if (dispatching_) {
    retired_.push_back(std::move(process));
  }
  // Otherwise `process` dies here: no handler can be running.
}

void Simulator::reset_timer(SlotState& s) {
  ++s.timer_token;  // whatever entry is queued is now stale
  s.timer_live = false;
  s.timer_want.reset();
}

void Simulator::drop_inbox(SlotState& s) {
  for (const Inbound& in : s.inbox) {
    if (in.channel != Channel::datagram) {
      ++counters_.streams_target_down;
    } else {
      ++counters_.datagrams_target_down;
    }
  }
  s.inbox.clear();
  s.inbox_datagrams = 0;
}

void Simulator::crash(Slot slot) {
  SlotState& s = slots_.at(slot);
  s.state = NodeState::crashed;
  reset_timer(s);
  drop_inbox(s);
}

void Simulator::restart(Slot slot, ProcessFactory factory) {
  SlotState& s = slots_.at(slot);
  reset_timer(s);
  drop_inbox(s);
  ++s.generation;  // stale streams and calls from the old process are recognised by this
  s.state = NodeState::crashed;
  retire(std::move(s.process));
  install(slot, factory);
}

void Simulator::pause(Slot slot) {
  SlotState& s = slots_.at(slot);
  if (s.state == NodeState::up) s.state = NodeState::paused;
}

void Simulator::resume(Slot slot) {
  SlotState& s = slots_.at(slot);
  if (s.state != NodeState::paused) return;
  s.state = NodeState::up;
  drain_inbox(slot);
  fire_if_due(slot);
}

std::optional<Slot> Simulator::find(const Address& address) const {
  return registry_.find(address);
}

// --- Calls from processes -----------------------------------------------------------------

bool Simulator::acting(Slot slot, std::uint32_t generation) const {
  const SlotState& s = slots_[slot];
  return s.generation == generation && s.state != NodeState::crashed;
}

std::uint64_t Simulator::process_seed(Slot slot, std::uint32_t generation) const {
  return derive_seed(derive_seed(seed_, Purpose::process),
                     (std::uint64_t{slot} << 32) | generation);
}

void Simulator::send_datagram(Slot from, std::uint32_t generation, const Address& to,
                              std::span<const std::uint8_t> bytes) {
  if (!acting(from, generation)) return;
  ++counters_.datagrams_sent;
  counters_.datagram_bytes_sent += bytes.size();
  if (send_tap_) send_tap_(true, bytes);
  if (bytes.size() > network_.config().mtu) {
    ++counters_.datagrams_oversize;
    return;
  }
  const std::optional<Slot> target = registry_.find(to);
  if (!target) {
    ++counters_.datagrams_unroutable;
    return;
  }
  const Slot dest = *target;
  if (!network_.reachable(from, dest)) {
    ++counters_.datagrams_partitioned;
    return;
  }
  if (network_.draw_loss(from, dest)) {
    ++counters_.datagrams_lost;
    return;
  }
  const bool duplicate = network_.draw_duplicate();
  push_datagram(from, dest, bytes);
  if (duplicate) {
    ++counters_.datagrams_duplicated;
    push_datagram(from, dest, bytes);
  }
}

void Simulator::push_datagram(Slot from, Slot to, std::span<const std::uint8_t> bytes) {
  SimEvent event;
  event.kind = SimEvent::Kind::datagram;
  event.from = from;
  event.to = to;
  event.bytes = take_buffer();
  event.bytes.assign(bytes.begin(), bytes.end());
  queue_.push(now_ + network_.draw_latency(from, to), std::move(event));
}

void Simulator::send_stream(Slot from, std::uint32_t generation, const Address& to,
                            std::vector<std::uint8_t> bytes) {
  if (!acting(from, generation)) return;
  ++counters_.streams_sent;
  counters_.stream_bytes_sent += bytes.size();
  if (send_tap_) send_tap_(false, bytes);
  const std::optional<Slot> target = registry_.find(to);
  if (!target) {
    ++counters_.streams_unroutable;
    refuse_stream(from, generation, to);
    return;
  }
  if (slots_[*target].state == NodeState::crashed && network_.reachable(from, *target))
    refuse_stream(from, generation, to);
  push_stream(SimEvent::Kind::stream, from, generation, *target, std::move(bytes));
}

void Simulator::refuse_stream(Slot from, std::uint32_t generation, const Address& to) {
  // A fixed round trip, no random draw: refusals must not shift the random streams of runs
  // that never meet one.
  after(2 * network_.config().latency.base, [this, from, generation, to] {
    if (slots_[from].generation == generation && slots_[from].state == NodeState::up)
      slots_[from].process->handle_stream_failed(to, now_);
  });
}

void Simulator::reply(Slot from, std::uint32_t generation, core::StreamId stream,
                      std::vector<std::uint8_t> bytes) {
  if (!acting(from, generation)) return;
  ++counters_.streams_sent;
  counters_.stream_bytes_sent += bytes.size();
  if (send_tap_) send_tap_(false, bytes);
  const Slot dest = slot_of_stream(stream);
  if (dest >= slots_.size()) {
    ++counters_.streams_unroutable;
    return;
  }
  if (slots_[dest].generation != generation_of_stream(stream)) {
    // The process that opened the connection is gone, and the connection with it.
    ++counters_.streams_target_down;
    return;
  }
  push_stream(SimEvent::Kind::reply, from, generation, dest, std::move(bytes));
}

void Simulator::push_stream(SimEvent::Kind kind, Slot from, std::uint32_t generation, Slot dest,
                            std::vector<std::uint8_t> bytes) {
  if (slots_[dest].state == NodeState::crashed) {
    ++counters_.streams_target_down;
    return;
  }
  if (!network_.reachable(from, dest)) {
    ++counters_.streams_partitioned;
    return;
  }
  SimEvent event;
  event.kind = kind;
  event.from = from;
  event.from_generation = generation;
  event.to = dest;
  event.generation = slots_[dest].generation;
  const core::TimePoint arrival = network_.stream_arrival(from, dest, bytes.size(), now_);
  event.bytes = std::move(bytes);
  queue_.push(arrival, std::move(event));
}

void Simulator::schedule(Slot slot, std::uint32_t generation, core::TimePoint at) {
  if (!acting(slot, generation)) return;
  SlotState& s = slots_[slot];
  s.timer_want = at;
  // The live entry fires first and re-arms for the later time: postponing costs no push.
  if (s.timer_live && s.timer_live_at <= at) return;
  arm_timer(slot, std::max(at, now_));
}

void Simulator::arm_timer(Slot slot, core::TimePoint at) {
  SlotState& s = slots_[slot];
  s.timer_live = true;
  s.timer_live_at = at;
  SimEvent event;
  event.kind = SimEvent::Kind::timer;
  event.to = slot;
  event.token = ++s.timer_token;
  queue_.push(at, std::move(event));
}

// --- Event loop ---------------------------------------------------------------------------

void Simulator::at(core::TimePoint when, std::function<void()> action) {
  std::uint32_t index = 0;
  if (free_actions_.empty()) {
    index = static_cast<std::uint32_t>(actions_.size());
    actions_.push_back(std::move(action));
  } else {
    index = free_actions_.back();
    free_actions_.pop_back();
    actions_[index] = std::move(action);
  }
  SimEvent event;
  event.kind = SimEvent::Kind::action;
  event.token = index;
  queue_.push(std::max(when, now_), std::move(event));
}

bool Simulator::step() {
  if (queue_.empty()) return false;
  {
    DispatchGuard guard(dispatching_);
    now_ = queue_.pop(current_);
    ++counters_.events_processed;
    dispatch(current_);
  }
  recycle(std::move(current_.bytes));
  retired_.clear();
  return true;
}

void Simulator::run_until(core::TimePoint until) {
  if (dispatching_)
    throw std::logic_error("sim: the event loop cannot be re-entered from an event");
  while (!queue_.empty() && queue_.next_time() <= until) step();
  if (until > now_) now_ = until;
}

std::uint64_t Simulator::run_until_idle(std::uint64_t max_events) {
  if (dispatching_)
    throw std::logic_error("sim: the event loop cannot be re-entered from an event");
  std::uint64_t ran = 0;
  while (ran < max_events && step()) ++ran;
  return ran;
}

void Simulator::dispatch(SimEvent& event) {
  switch (event.kind) {
    case SimEvent::Kind::datagram:
      deliver_datagram(event);
      break;
    case SimEvent::Kind::stream:
    case SimEvent::Kind::reply:
      deliver_stream(event);
      break;
    case SimEvent::Kind::timer:
      fire_timer(event);
      break;
    case SimEvent::Kind::action:
      run_action(event);
      break;
  }
}

void Simulator::deliver_datagram(SimEvent& event) {
  SlotState& s = slots_[event.to];
  if (s.state == NodeState::crashed) {
    ++counters_.datagrams_target_down;
    return;
  }
  if (!network_.reachable(event.from, event.to)) {
    ++counters_.datagrams_partitioned;
    return;
  }
  if (s.state == NodeState::paused) {
    if (s.inbox_datagrams >= paused_inbox_limit_) {
      ++counters_.datagrams_overflow;
      return;
    }
    ++s.inbox_datagrams;
    s.inbox.push_back(Inbound{Channel::datagram, event.from, 0, std::move(event.bytes)});
    return;
  }
  hand_over(event.to, Channel::datagram, event.from, 0, event.bytes);
}

void Simulator::deliver_stream(SimEvent& event) {
  SlotState& s = slots_[event.to];
  if (s.state == NodeState::crashed || s.generation != event.generation) {
    ++counters_.streams_target_down;
    return;
  }
  if (!network_.reachable(event.from, event.to)) {
    ++counters_.streams_partitioned;
    return;
  }
  const Channel channel = event.kind == SimEvent::Kind::reply ? Channel::reply : Channel::stream;
  if (s.state == NodeState::paused) {
    s.inbox.push_back(Inbound{channel, event.from, event.from_generation, std::move(event.bytes)});
    return;
  }
  hand_over(event.to, channel, event.from, event.from_generation, event.bytes);
}

void Simulator::hand_over(Slot to, const Inbound& in) {
  hand_over(to, in.channel, in.from, in.from_generation, in.bytes);
}

void Simulator::hand_over(Slot to, Channel channel, Slot from, std::uint32_t from_generation,
                          std::span<const std::uint8_t> bytes) {
  // Copies, not references into slots_: a handler may add nodes and so move the slot table.
  Process* process = slots_[to].process.get();
  Address sender = addresses_[from];
  switch (channel) {
    case Channel::datagram:
      ++counters_.datagrams_delivered;
      counters_.datagram_bytes_delivered += bytes.size();
      process->handle_datagram(sender, bytes, now_);
      return;
    case Channel::stream:
      // An incoming connection shows the sender's ephemeral port, never its member address:
      // an engine that answered a stream message to this address would reach nobody.
      sender.port = static_cast<std::uint16_t>(49152 + (from * 7 + from_generation) % 16384);
      break;
    case Channel::reply:
      break;
  }
  ++counters_.streams_delivered;
  counters_.stream_bytes_delivered += bytes.size();
  process->handle_stream(stream_of(from, from_generation), sender, bytes, now_);
}

void Simulator::fire_timer(const SimEvent& event) {
  SlotState& s = slots_[event.to];
  if (!s.timer_live || event.token != s.timer_token) {
    ++counters_.timers_stale;
    return;
  }
  s.timer_live = false;
  if (!s.timer_want) return;
  if (*s.timer_want > now_) {
    // The request moved later since this entry was queued.
    ++counters_.timers_stale;
    arm_timer(event.to, *s.timer_want);
    return;
  }
  fire_if_due(event.to);  // a paused node keeps the request for resume()
}

void Simulator::fire_if_due(Slot slot) {
  SlotState& s = slots_[slot];
  if (s.state != NodeState::up || !s.timer_want) return;
  if (*s.timer_want > now_) {
    if (!s.timer_live) arm_timer(slot, *s.timer_want);
    return;
  }
  s.timer_want.reset();
  ++counters_.timers_fired;
  s.process->handle_timer(now_);
}

void Simulator::drain_inbox(Slot slot) {
  const std::uint32_t generation = slots_[slot].generation;
  std::vector<Inbound> pending = std::move(slots_[slot].inbox);
  slots_[slot].inbox.clear();
  slots_[slot].inbox_datagrams = 0;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    SlotState& s = slots_[slot];
    if (s.state == NodeState::paused && s.generation == generation) {
      // A handler (through the scenario's observer) paused the node again: the rest waits for
      // the next resume, ahead of anything that arrives meanwhile.
      s.inbox.insert(s.inbox.begin(), std::make_move_iterator(pending.begin() + i),
                     std::make_move_iterator(pending.end()));
      s.inbox_datagrams = static_cast<std::size_t>(
          std::count_if(s.inbox.begin(), s.inbox.end(),
                        [](const Inbound& in) { return in.channel == Channel::datagram; }));
      return;
    }
    if (s.state != NodeState::up || s.generation != generation) {
      // Crashed or replaced meanwhile: the rest was for a process that is gone.
      for (std::size_t j = i; j < pending.size(); ++j) {
        if (pending[j].channel != Channel::datagram) {
          ++counters_.streams_target_down;
        } else {
          ++counters_.datagrams_target_down;
        }
      }
      return;
    }
    hand_over(slot, pending[i]);
    if (pending[i].channel == Channel::datagram) recycle(std::move(pending[i].bytes));
  }
}

void Simulator::run_action(const SimEvent& event) {
  const auto index = static_cast<std::uint32_t>(event.token);
  std::function<void()> action = std::move(actions_[index]);
  actions_[index] = nullptr;
  free_actions_.push_back(index);
  ++counters_.actions_run;
  action();
}

std::vector<std::uint8_t> Simulator::take_buffer() {
  if (spare_buffers_.empty()) return {};
  std::vector<std::uint8_t> buffer = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return buffer;
}

void Simulator::recycle(std::vector<std::uint8_t>&& buffer) {
  if (buffer.capacity() == 0 || buffer.capacity() > kMaxSpareCapacity ||
      spare_buffers_.size() >= kMaxSpareBuffers) {
    return;
  }
  buffer.clear();
  spare_buffers_.push_back(std::move(buffer));
}

}  // namespace convoy::sim
