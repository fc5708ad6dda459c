// Engine throughput with minimal processes, so the figure is the simulator's own cost per
// event (queue, network draws, routing, buffers), not a protocol's. 10,000 (and 1,000) nodes
// relay datagrams and tick a SWIM-like timer. Prints events per second; set
// CONVOY_SIM_BENCH_EVENTS to change the event count. A benchmark, not a test: it prints figures
// and fails only if the engine lost events.
#include "sim/addressing.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

#include <convoy/address.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

/// Forwards every datagram to a random peer and sends to three peers every 200 ms: traffic of
/// roughly the shape SWIM makes, at a fraction of the cost of decoding it.
class Relay final : public Process {
 public:
  Relay(Port port, std::uint32_t nodes)
      : port_(port), nodes_(nodes), state_(port.seed()), payload_(200, 0xAB) {}

  void start(core::TimePoint now) override {
    for (int i = 0; i < 4; ++i) port_.send_datagram(peer(), payload_);
    port_.schedule(now + core::Duration(next() % 200'000'000));
  }
  void handle_datagram(const Address&, std::span<const std::uint8_t> bytes,
                       core::TimePoint) override {
    port_.send_datagram(peer(), bytes);
  }
  void handle_stream(core::StreamId, const Address&, std::span<const std::uint8_t>,
                     core::TimePoint) override {}
  void handle_timer(core::TimePoint now) override {
    for (int i = 0; i < 3; ++i) port_.send_datagram(peer(), payload_);
    // Like the core: ask for the next tick more than once per handler.
    port_.schedule(now + 500ms);
    port_.schedule(now + 200ms);
  }

 private:
  Address peer() { return node_address(static_cast<std::uint32_t>(next() % nodes_)); }

  // A hashed counter rather than a Random: 2.5 KB of Mersenne Twister state per node would make
  // this measure the relays' cache misses instead of the engine's.
  std::uint64_t next() { return mix64(state_++); }

  Port port_;
  std::uint32_t nodes_;
  std::uint64_t state_;
  std::vector<std::uint8_t> payload_;
};

/// Runs `events` events over `nodes` relays and prints the rates. CPU time is printed beside
/// wall time because the machine may be shared.
bool measure(std::uint32_t nodes, std::uint64_t events) {
  if (const char* env = std::getenv("CONVOY_SIM_BENCH_EVENTS")) events = std::stoull(env);
  SimConfig config;
  config.network.loss = 0.01;
  Simulator sim(config);
  const auto wall0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();
  for (std::uint32_t i = 0; i < nodes; ++i) {
    sim.add_node([nodes](Port port) { return std::make_unique<Relay>(port, nodes); });
  }
  const std::uint64_t ran = sim.run_until_idle(events);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;

  const Counters& c = sim.counters();
  std::printf(
      "[sim throughput] %u nodes: %llu events, %.2f s wall (%.2f M events/s), %.2f s CPU "
      "(%.2f M events/s); %llu datagrams delivered; %.2f s simulated; %zu queued at the end\n",
      nodes, static_cast<unsigned long long>(ran), wall, static_cast<double>(ran) / wall / 1e6, cpu,
      static_cast<double>(ran) / cpu / 1e6, static_cast<unsigned long long>(c.datagrams_delivered),
      std::chrono::duration<double>(sim.now().time_since_epoch()).count(), sim.pending_events());
  return ran == events && c.datagrams_delivered > events / 2;
}

constexpr std::uint64_t kEvents = 5'000'000;

}  // namespace
}  // namespace convoy::sim

int main() {
  bool ok = convoy::sim::measure(10'000, convoy::sim::kEvents);
  ok = convoy::sim::measure(1'000, convoy::sim::kEvents) && ok;
  return ok ? 0 : 1;
}
