// Simulator: engine semantics with scripted fake processes — ordering, determinism, loss,
// partitions, streams, node lifecycle and timers.
#include "sim/simulator.hpp"

#include "fake_process.hpp"
#include "sim/addressing.hpp"
#include "sim/random.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;
using testing::fake;
using testing::fake_at;
using testing::FakeProcess;
using testing::Received;
using Kind = Received::Kind;

core::TimePoint t(core::Duration d) {
  return core::TimePoint(d);
}

/// Fixed 1 ms latency, no jitter: exact arrival times.
SimConfig fixed_latency(core::Duration latency = 1ms) {
  SimConfig config;
  config.network.latency = LatencyModel{latency, 0ns, Jitter::none};
  config.network.stream_bandwidth = 0;
  return config;
}

std::vector<std::uint8_t> one_byte(std::uint8_t b) {
  return {b};
}

TEST(Addressing, DistinctAddressesForManyNodes) {
  EXPECT_EQ(node_address(0), Address::v4(10, 0, 0, 1, 7946));
  EXPECT_EQ(node_address(255), Address::v4(10, 0, 1, 0, 7946));
  std::set<Address> seen;
  for (std::uint32_t i = 0; i < 65536; ++i) seen.insert(node_address(i));
  EXPECT_EQ(seen.size(), 65536u);
}

TEST(Simulator, RegistryMapsAddressesToSlots) {
  Simulator sim;
  const Slot a = sim.add_node(fake());
  const Slot b = sim.add_node(Address::v4(192, 168, 0, 9, 1), fake());
  EXPECT_EQ(sim.find(node_address(0)), a);
  EXPECT_EQ(sim.find(Address::v4(192, 168, 0, 9, 1)), b);
  EXPECT_FALSE(sim.find(node_address(5)).has_value());
  EXPECT_THROW(sim.add_node(node_address(0), fake()), std::invalid_argument);
  EXPECT_EQ(sim.size(), 2u);
}

TEST(Simulator, StartRunsAndMessagesArriveAfterLatency) {
  Simulator sim(fixed_latency(3ms));
  sim.add_node(fake());
  sim.add_node(fake([](FakeProcess& p) {
    p.on_start = [](FakeProcess& self, const Received&) {
      self.port().send_datagram(node_address(0), one_byte(7));
    };
  }));
  EXPECT_TRUE(fake_at(sim, 0).started);
  sim.run_for(10ms);
  const auto& log = fake_at(sim, 0).log;
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, Kind::datagram);
  EXPECT_EQ(log[0].at, t(3ms));
  EXPECT_EQ(log[0].from, node_address(1));
  EXPECT_EQ(log[0].bytes, one_byte(7));
}

TEST(Simulator, RunUntilStopsAtTheBoundaryAndSetsTheClock) {
  Simulator sim;
  std::vector<int> ran;
  sim.at(t(5ms), [&] { ran.push_back(5); });
  sim.at(t(10ms), [&] { ran.push_back(10); });
  sim.run_until(t(5ms));
  EXPECT_EQ(ran, std::vector<int>{5});
  EXPECT_EQ(sim.now(), t(5ms));
  sim.run_until(t(7ms));
  EXPECT_EQ(sim.now(), t(7ms));
  EXPECT_TRUE(sim.step());
  EXPECT_EQ(sim.now(), t(10ms));
  EXPECT_EQ(ran, (std::vector<int>{5, 10}));
  EXPECT_FALSE(sim.step());
  sim.run_until(t(1ms));  // never goes back
  EXPECT_EQ(sim.now(), t(10ms));
}

TEST(Simulator, EqualTimesRunInScheduleOrder) {
  Simulator sim;
  std::vector<int> ran;
  for (int i = 0; i < 100; ++i) sim.at(t(1ms), [&ran, i] { ran.push_back(i); });
  sim.run_for(1ms);
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
}

TEST(Simulator, EventLoopCannotBeReentered) {
  Simulator sim;
  sim.at(t(1ms), [&] { sim.run_for(1ms); });
  EXPECT_THROW(sim.run_for(2ms), std::logic_error);
  // Still usable afterwards.
  bool ran = false;
  sim.at(t(3ms), [&] { ran = true; });
  sim.run_for(5ms);
  EXPECT_TRUE(ran);
}

// --- Determinism -----------------------------------------------------------------------

/// A gossip-like workload touching every feature that draws randomness or reorders events;
/// returns a hash of everything every node received, and when.
std::uint64_t chaos_run(std::uint64_t seed, Counters* counters_out = nullptr) {
  SimConfig config;
  config.seed = seed;
  config.network.loss = 0.05;
  config.network.duplicate = 0.01;
  config.network.latency = LatencyModel{1ms, 3ms, Jitter::exponential};
  config.network.link_spread = 2ms;
  config.paused_inbox_limit = 8;
  Simulator sim(config);
  constexpr std::uint32_t kNodes = 40;

  std::uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](std::uint64_t v) { hash = (hash ^ v) * 1099511628211ULL; };

  ProcessFactory factory = [&](Port port) {
    auto p = std::make_unique<FakeProcess>(port);
    auto rng = std::make_shared<Random>(port.seed());
    auto counter = std::make_shared<std::uint8_t>(0);
    p->on_start = [rng](FakeProcess& self, const Received& r) {
      self.port().schedule(r.at + core::Duration(rng->below(100'000'000)));
    };
    p->on_receive = [rng, counter, &mix](FakeProcess& self, const Received& r) {
      mix(static_cast<std::uint64_t>(r.at.time_since_epoch().count()));
      mix(self.port().slot());
      mix(static_cast<std::uint64_t>(r.kind));
      for (auto b : r.from.ip) mix(b);
      for (auto b : r.bytes) mix(b);
      auto peer = [&] { return node_address(static_cast<std::uint32_t>(rng->below(kNodes))); };
      const std::vector<std::uint8_t> payload = {static_cast<std::uint8_t>(self.port().slot()),
                                                 (*counter)++};
      if (r.kind == Kind::timer) {
        self.port().send_datagram(peer(), payload);
        self.port().send_datagram(peer(), payload);
        self.port().schedule(r.at + 100ms + core::Duration(rng->below(10'000'000)));
      } else if (rng->chance(0.25)) {
        self.port().send_datagram(peer(), payload);
      } else if (rng->chance(0.05)) {
        self.port().send_stream(peer(), payload);
      }
    };
    return p;
  };

  for (std::uint32_t i = 0; i < kNodes; ++i) sim.add_node(factory);
  sim.at(t(1s), [&] { sim.crash(3); });
  sim.at(t(1500ms), [&] { sim.pause(5); });
  sim.at(t(2s), [&] { sim.resume(5); });
  sim.at(t(2500ms), [&] {
    const std::vector<std::vector<Slot>> groups = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
    sim.network().split(groups);
  });
  sim.at(t(3s), [&] { sim.network().heal(); });
  sim.at(t(3500ms), [&] { sim.restart(3, factory); });
  sim.at(t(4s), [&] { sim.network().block(7, 8); });
  sim.run_until(t(5s));
  mix(sim.counters().events_processed);
  mix(sim.counters().datagrams_delivered);
  if (counters_out != nullptr) {
    // Drain: with everyone crashed nothing new is sent and every message reaches an end.
    for (Slot s = 0; s < kNodes; ++s) sim.crash(s);
    sim.run_until_idle(10'000'000);
    *counters_out = sim.counters();
  }
  return hash;
}

TEST(Simulator, SameSeedSameRunDifferentSeedDifferentRun) {
  const std::uint64_t a = chaos_run(1);
  const std::uint64_t b = chaos_run(1);
  const std::uint64_t c = chaos_run(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Simulator, EveryMessageIsAccountedFor) {
  Counters c;
  chaos_run(3, &c);
  EXPECT_GT(c.datagrams_sent, 1000u);
  EXPECT_GT(c.datagrams_lost, 0u);
  EXPECT_GT(c.datagrams_partitioned, 0u);
  EXPECT_GT(c.datagrams_target_down, 0u);
  EXPECT_GT(c.datagrams_duplicated, 0u);
  EXPECT_GT(c.streams_sent, 0u);
  EXPECT_EQ(c.datagrams_sent + c.datagrams_duplicated,
            c.datagrams_delivered + c.datagrams_lost + c.datagrams_partitioned +
                c.datagrams_oversize + c.datagrams_unroutable + c.datagrams_target_down +
                c.datagrams_overflow);
  EXPECT_EQ(c.streams_sent, c.streams_delivered + c.streams_partitioned + c.streams_unroutable +
                                c.streams_target_down);
}

TEST(Simulator, ProcessSeedsDependOnSeedSlotAndGeneration) {
  auto seeds = [](std::uint64_t seed) {
    SimConfig config;
    config.seed = seed;
    Simulator sim(config);
    sim.add_node(fake());
    sim.add_node(fake());
    std::vector<std::uint64_t> out = {fake_at(sim, 0).port().seed(), fake_at(sim, 1).port().seed()};
    sim.restart(0, fake());
    out.push_back(fake_at(sim, 0).port().seed());
    return out;
  };
  const auto a = seeds(1);
  EXPECT_EQ(a, seeds(1));
  EXPECT_NE(a, seeds(2));
  EXPECT_NE(a[0], a[1]);
  EXPECT_NE(a[0], a[2]);
}

// --- Datagrams -------------------------------------------------------------------------

TEST(Simulator, LossRateEndToEnd) {
  SimConfig config;
  config.network.loss = 0.2;
  Simulator sim(config);
  constexpr int kSent = 20000;
  sim.add_node(fake());
  sim.add_node(fake());
  for (int i = 0; i < kSent; ++i)
    fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(1));
  sim.run_for(1s);
  const auto delivered = static_cast<double>(fake_at(sim, 1).log.size());
  const double sigma = std::sqrt(kSent * 0.2 * 0.8);
  EXPECT_NEAR(delivered, kSent * 0.8, 5 * sigma);
  const auto& c = sim.counters();
  EXPECT_EQ(c.datagrams_sent, static_cast<std::uint64_t>(kSent));
  EXPECT_EQ(c.datagrams_delivered + c.datagrams_lost, c.datagrams_sent);
  EXPECT_EQ(c.datagrams_delivered, fake_at(sim, 1).log.size());
}

TEST(Simulator, JitterReordersDatagrams) {
  SimConfig config;
  config.network.latency = LatencyModel{1ms, 50ms, Jitter::uniform};
  Simulator sim(config);
  sim.add_node(fake());
  sim.add_node(fake());
  for (int i = 0; i < 200; ++i) {
    fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(static_cast<std::uint8_t>(i)));
  }
  sim.run_for(1s);
  const auto& log = fake_at(sim, 1).log;
  ASSERT_EQ(log.size(), 200u);
  bool reordered = false;
  for (std::size_t i = 1; i < log.size(); ++i) reordered |= log[i].bytes[0] < log[i - 1].bytes[0];
  EXPECT_TRUE(reordered);
}

TEST(Simulator, OversizeDatagramsAreDroppedAndCounted) {
  SimConfig config = fixed_latency();
  config.network.mtu = 100;
  Simulator sim(config);
  sim.add_node(fake());
  sim.add_node(fake());
  fake_at(sim, 0).port().send_datagram(node_address(1), std::vector<std::uint8_t>(101, 0));
  fake_at(sim, 0).port().send_datagram(node_address(1), std::vector<std::uint8_t>(100, 0));
  sim.run_for(10ms);
  ASSERT_EQ(fake_at(sim, 1).log.size(), 1u);
  EXPECT_EQ(fake_at(sim, 1).log[0].bytes.size(), 100u);
  EXPECT_EQ(sim.counters().datagrams_oversize, 1u);
}

TEST(Simulator, UnknownDestinationsAreCounted) {
  Simulator sim;
  sim.add_node(fake([](FakeProcess& p) {
    p.on_start = [](FakeProcess& self, const Received&) {
      self.port().send_datagram(node_address(99), one_byte(1));
      self.port().send_stream(node_address(99), one_byte(1));
    };
  }));
  sim.run_for(10ms);
  EXPECT_EQ(sim.counters().datagrams_unroutable, 1u);
  EXPECT_EQ(sim.counters().streams_unroutable, 1u);
}

// --- Partitions ------------------------------------------------------------------------

/// Two nodes; sends one datagram each way at each call of `exchange` and returns what arrived
/// as {0→1, 1→0}.
struct Pair {
  Simulator sim{fixed_latency()};
  Pair() {
    sim.add_node(fake());
    sim.add_node(fake());
  }
  std::pair<std::size_t, std::size_t> exchange() {
    const auto before0 = fake_at(sim, 0).log.size();
    const auto before1 = fake_at(sim, 1).log.size();
    fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(0));
    fake_at(sim, 1).port().send_datagram(node_address(0), one_byte(1));
    sim.run_for(10ms);
    return {fake_at(sim, 1).log.size() - before1, fake_at(sim, 0).log.size() - before0};
  }
};

TEST(Simulator, OneWayPartition) {
  Pair p;
  p.sim.network().block(0, 1);
  EXPECT_EQ(p.exchange(), std::make_pair(std::size_t{0}, std::size_t{1}));
  EXPECT_EQ(p.sim.counters().datagrams_partitioned, 1u);
  p.sim.network().heal();
  EXPECT_EQ(p.exchange(), std::make_pair(std::size_t{1}, std::size_t{1}));
}

TEST(Simulator, TwoWayPartition) {
  Pair p;
  p.sim.network().block_both(0, 1);
  EXPECT_EQ(p.exchange(), std::make_pair(std::size_t{0}, std::size_t{0}));
  EXPECT_EQ(p.sim.counters().datagrams_partitioned, 2u);
  p.sim.network().unblock_both(0, 1);
  EXPECT_EQ(p.exchange(), std::make_pair(std::size_t{1}, std::size_t{1}));
}

TEST(Simulator, PartitionDropsDatagramsAlreadyInFlight) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake());
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(0));
  sim.at(t(5ms), [&] { sim.network().block(0, 1); });
  sim.run_for(20ms);
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
  EXPECT_EQ(sim.counters().datagrams_partitioned, 1u);
}

TEST(Simulator, SplitIntoGroupsAndHeal) {
  Simulator sim(fixed_latency());
  constexpr Slot kNodes = 6;
  for (Slot i = 0; i < kNodes; ++i) sim.add_node(fake());
  auto broadcast = [&] {
    for (Slot from = 0; from < kNodes; ++from) {
      for (Slot to = 0; to < kNodes; ++to) {
        if (from != to) fake_at(sim, from).port().send_datagram(node_address(to), one_byte(0));
      }
    }
    sim.run_for(10ms);
  };
  const std::vector<std::vector<Slot>> groups = {{0, 1, 2}, {3, 4, 5}};
  sim.network().split(groups);
  broadcast();
  for (Slot s = 0; s < kNodes; ++s) {
    ASSERT_EQ(fake_at(sim, s).log.size(), 2u);
    for (const auto& r : fake_at(sim, s).log) {
      EXPECT_EQ(*sim.find(r.from) / 3, s / 3) << "crossed the split";
    }
  }
  sim.network().heal();
  broadcast();
  for (Slot s = 0; s < kNodes; ++s) EXPECT_EQ(fake_at(sim, s).log.size(), 2u + 5u);
}

// --- Streams ---------------------------------------------------------------------------

TEST(Simulator, StreamsAreReliableAndOrderedDespiteLossAndJitter) {
  SimConfig config;
  config.network.loss = 1.0;  // kills every datagram; streams do not care
  config.network.latency = LatencyModel{1ms, 50ms, Jitter::uniform};
  Simulator sim(config);
  sim.add_node(fake());
  sim.add_node(fake());
  for (int i = 0; i < 500; ++i) {
    fake_at(sim, 0).port().send_stream(
        node_address(1), {static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
  }
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(0));
  sim.run_for(2s);
  const auto& log = fake_at(sim, 1).log;
  ASSERT_EQ(log.size(), 500u);
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].kind, Kind::stream);
    EXPECT_EQ((log[i].bytes[0] << 8) | log[i].bytes[1], static_cast<int>(i));
  }
  EXPECT_EQ(sim.counters().streams_delivered, 500u);
  EXPECT_EQ(sim.counters().datagrams_lost, 1u);
}

TEST(Simulator, StreamTransferTimeGrowsWithSize) {
  SimConfig config = fixed_latency();
  config.network.stream_bandwidth = 1e6;
  Simulator sim(config);
  sim.add_node(fake());
  sim.add_node(fake());
  fake_at(sim, 0).port().send_stream(node_address(1), std::vector<std::uint8_t>(100'000, 1));
  sim.run_for(1s);
  ASSERT_EQ(fake_at(sim, 1).log.size(), 1u);
  EXPECT_EQ(fake_at(sim, 1).log[0].at, t(101ms));  // 1 ms latency + 100 kB at 1 MB/s
}

TEST(Simulator, StreamsAreDroppedByPartitionsAtSendOrArrival) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake());
  sim.network().block(0, 1);
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(1));  // cut at send
  fake_at(sim, 1).port().send_stream(node_address(0), one_byte(2));  // other way is fine
  sim.run_for(20ms);
  sim.network().heal();
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(3));
  sim.at(sim.now() + 5ms, [&] { sim.network().block_both(0, 1); });  // cut in flight
  sim.run_for(20ms);
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
  ASSERT_EQ(fake_at(sim, 0).log.size(), 1u);
  EXPECT_EQ(fake_at(sim, 0).log[0].bytes, one_byte(2));
  EXPECT_EQ(sim.counters().streams_partitioned, 2u);
}

TEST(Simulator, StreamsToADownOrReplacedNodeAreDropped) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake());
  sim.add_node(fake());
  // Down at arrival.
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(1));
  sim.at(t(5ms), [&] { sim.crash(1); });
  // Down at send.
  sim.at(t(6ms), [&] { fake_at(sim, 0).port().send_stream(node_address(1), one_byte(2)); });
  // Replaced in flight: sent to generation 0 of node 2, which restarts before it lands.
  fake_at(sim, 0).port().send_stream(node_address(2), one_byte(3));
  sim.at(t(5ms), [&] { sim.restart(2, fake()); });
  sim.run_for(50ms);
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
  EXPECT_TRUE(fake_at(sim, 2).log.empty());
  EXPECT_EQ(sim.counters().streams_target_down, 3u);
  // A datagram, by contrast, reaches whatever process now has the address.
  fake_at(sim, 0).port().send_datagram(node_address(2), one_byte(4));
  sim.run_for(50ms);
  EXPECT_EQ(fake_at(sim, 2).log.size(), 1u);
}

TEST(Simulator, AStreamArrivesFromAnEphemeralPortAndIsAnsweredOnItsConnection) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake([](FakeProcess& p) {
    p.on_receive = [](FakeProcess& self, const Received& r) {
      if (r.kind == Kind::stream) self.port().reply(r.stream, one_byte(9));
    };
  }));
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(1));
  sim.run_for(50ms);
  const auto& in = fake_at(sim, 1).log;
  ASSERT_EQ(in.size(), 1u);
  // Like TCP's accept(): the sender's address, but not its listening port. An engine that
  // answered a stream message by address would reach nobody.
  EXPECT_EQ(in[0].from.ip, node_address(0).ip);
  EXPECT_NE(in[0].from, node_address(0));
  EXPECT_FALSE(sim.find(in[0].from).has_value());
  // The answer on the connection reaches the sender, from the address it dialled.
  const auto& back = fake_at(sim, 0).log;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].kind, Kind::stream);
  EXPECT_EQ(back[0].bytes, one_byte(9));
  EXPECT_EQ(back[0].from, node_address(1));
  EXPECT_EQ(back[0].at, t(20ms));
}

TEST(Simulator, AnAnswerOnTheConnectionOfAProcessThatIsGoneIsDropped) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake());
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(1));
  sim.run_for(15ms);
  ASSERT_EQ(fake_at(sim, 1).log.size(), 1u);
  const core::StreamId connection = fake_at(sim, 1).log[0].stream;
  sim.restart(0, fake());  // the connection dies with the process that opened it
  fake_at(sim, 1).port().reply(connection, one_byte(2));
  sim.run_for(50ms);
  EXPECT_TRUE(fake_at(sim, 0).log.empty());
  EXPECT_EQ(sim.counters().streams_target_down, 1u);
  // A connection to a live process still works, both ways, many times.
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(3));
  sim.run_for(15ms);
  ASSERT_EQ(fake_at(sim, 1).log.size(), 2u);
  for (std::uint8_t i = 0; i < 3; ++i)
    fake_at(sim, 1).port().reply(fake_at(sim, 1).log[1].stream, one_byte(i));
  sim.run_for(50ms);
  ASSERT_EQ(fake_at(sim, 0).log.size(), 3u);
  EXPECT_EQ(fake_at(sim, 0).log[2].bytes, one_byte(2));  // in order
}

// --- Lifecycle -------------------------------------------------------------------------

TEST(Simulator, CrashStopsInputAndTimersButNotMessagesAlreadySent) {
  Simulator sim(fixed_latency(10ms));
  sim.add_node(fake());
  sim.add_node(fake());
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(1));
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(2));
  fake_at(sim, 0).port().schedule(t(20ms));
  fake_at(sim, 1).port().send_datagram(node_address(0), one_byte(3));
  sim.crash(0);
  EXPECT_EQ(sim.state(0), NodeState::crashed);
  // Calls from the crashed process are ignored.
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(9));
  sim.run_for(100ms);
  EXPECT_TRUE(fake_at(sim, 0).log.empty());  // no input, no timer
  EXPECT_EQ(fake_at(sim, 1).log.size(), 2u);
  EXPECT_EQ(sim.counters().datagrams_target_down, 1u);
  EXPECT_EQ(sim.counters().datagrams_sent, 2u);
  EXPECT_FALSE(sim.timer(0).has_value());
}

TEST(Simulator, RestartReplacesTheProcessAndIgnoresTheOldOne) {
  Simulator sim(fixed_latency());
  sim.add_node(fake());
  sim.add_node(fake());
  const Port old_port = fake_at(sim, 0).port();
  old_port.schedule(t(5ms));
  sim.crash(0);
  int built = 0;
  sim.restart(0, fake([&](FakeProcess&) { ++built; }));
  EXPECT_EQ(built, 1);
  EXPECT_EQ(sim.generation(0), 1u);
  EXPECT_EQ(sim.state(0), NodeState::up);
  EXPECT_TRUE(fake_at(sim, 0).started);
  const auto sent = sim.counters().datagrams_sent;
  old_port.send_datagram(node_address(1), one_byte(1));
  old_port.schedule(t(1ms));
  EXPECT_EQ(sim.counters().datagrams_sent, sent);
  EXPECT_FALSE(sim.timer(0).has_value());
  sim.run_for(10ms);
  EXPECT_TRUE(fake_at(sim, 0).log.empty());
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
  // The new process is fully live.
  fake_at(sim, 1).port().send_datagram(node_address(0), one_byte(2));
  sim.run_for(10ms);
  EXPECT_EQ(fake_at(sim, 0).log.size(), 1u);
}

TEST(Simulator, AProcessMayBeRestartedFromItsOwnHandler) {
  Simulator sim(fixed_latency());
  sim.add_node(fake([&sim](FakeProcess& p) {
    p.on_receive = [&sim](FakeProcess& self, const Received&) {
      sim.restart(self.port().slot(), fake());
      // `self` must still be alive until this handler returns.
      self.log.clear();
    };
  }));
  sim.add_node(fake());
  fake_at(sim, 1).port().send_datagram(node_address(0), one_byte(1));
  sim.run_for(10ms);
  EXPECT_EQ(sim.generation(0), 1u);
  EXPECT_TRUE(fake_at(sim, 0).started);
}

TEST(Simulator, AFailedFactoryLeavesACrashedSlotThatRestartCanRevive) {
  Simulator sim(fixed_latency());
  sim.add_node(fake());
  EXPECT_THROW(
      sim.add_node([](Port) -> std::unique_ptr<Process> { throw std::runtime_error("boom"); }),
      std::runtime_error);
  ASSERT_EQ(sim.size(), 2u);
  EXPECT_EQ(sim.state(1), NodeState::crashed);
  EXPECT_EQ(sim.process_as<FakeProcess>(1), nullptr);
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(1));
  sim.run_for(10ms);
  EXPECT_EQ(sim.counters().datagrams_target_down, 1u);
  EXPECT_THROW(sim.add_node([](Port) { return std::unique_ptr<Process>{}; }),
               std::invalid_argument);
  sim.restart(1, fake());
  EXPECT_TRUE(sim.is_up(1));
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(2));
  sim.run_for(10ms);
  EXPECT_EQ(fake_at(sim, 1).log.size(), 1u);
}

TEST(Simulator, PauseQueuesBoundedInputAndResumeReplaysItThenFiresTheTimerOnce) {
  SimConfig config = fixed_latency();
  config.paused_inbox_limit = 3;
  Simulator sim(config);
  sim.add_node(fake());
  sim.add_node(fake([](FakeProcess& p) {
    p.on_start = [](FakeProcess& self, const Received&) { self.port().schedule(t(5ms)); };
  }));
  sim.pause(1);
  EXPECT_EQ(sim.state(1), NodeState::paused);
  for (std::uint8_t i = 0; i < 5; ++i) {
    fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(i));
  }
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(100));
  sim.run_for(20ms);
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
  EXPECT_EQ(sim.inbox_size(1), 4u);
  EXPECT_EQ(sim.counters().datagrams_overflow, 2u);

  sim.resume(1);
  const auto& log = fake_at(sim, 1).log;
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].bytes, one_byte(0));
  EXPECT_EQ(log[1].bytes, one_byte(1));
  EXPECT_EQ(log[2].bytes, one_byte(2));
  EXPECT_EQ(log[3].kind, Kind::stream);
  EXPECT_EQ(log[4].kind, Kind::timer);
  EXPECT_EQ(log[4].at, t(20ms));
  sim.run_for(100ms);
  EXPECT_EQ(log.size(), 5u);  // once, not again
  EXPECT_EQ(sim.counters().timers_fired, 1u);
}

TEST(Simulator, InputReplayedOnResumeStopsIfTheNodeIsPausedOrCrashedAgain) {
  Simulator sim(fixed_latency());
  sim.add_node(fake());
  sim.add_node(fake([&sim](FakeProcess& p) {
    p.on_receive = [&sim](FakeProcess& self, const Received& r) {
      if (r.bytes == one_byte(1)) sim.pause(self.port().slot());
      if (r.bytes == one_byte(3)) sim.crash(self.port().slot());
    };
  }));
  sim.pause(1);
  for (std::uint8_t i = 0; i < 5; ++i) {
    fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(i));
  }
  sim.run_for(10ms);
  ASSERT_EQ(sim.inbox_size(1), 5u);
  sim.resume(1);  // handles 0 and 1, then 1 pauses it again
  EXPECT_EQ(fake_at(sim, 1).log.size(), 2u);
  EXPECT_EQ(sim.inbox_size(1), 3u);
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(9));
  sim.run_for(10ms);
  EXPECT_EQ(sim.inbox_size(1), 4u);
  sim.resume(1);  // handles 2 and 3, then 3 crashes it: 4 and 9 are lost with it
  ASSERT_EQ(fake_at(sim, 1).log.size(), 4u);
  EXPECT_EQ(fake_at(sim, 1).log[3].bytes, one_byte(3));
  EXPECT_EQ(sim.counters().datagrams_target_down, 2u);
  EXPECT_EQ(sim.inbox_size(1), 0u);
}

TEST(Simulator, ResumeBeforeTheTimerIsDueLeavesItOnSchedule) {
  Simulator sim(fixed_latency());
  sim.add_node(fake([](FakeProcess& p) {
    p.on_start = [](FakeProcess& self, const Received&) { self.port().schedule(t(50ms)); };
  }));
  sim.pause(0);
  sim.run_for(10ms);
  sim.resume(0);
  sim.run_for(100ms);
  ASSERT_EQ(fake_at(sim, 0).log.size(), 1u);
  EXPECT_EQ(fake_at(sim, 0).log[0].at, t(50ms));
}

TEST(Simulator, CrashWhilePausedDropsTheQueuedInput) {
  Simulator sim(fixed_latency());
  sim.add_node(fake());
  sim.add_node(fake());
  sim.pause(1);
  fake_at(sim, 0).port().send_datagram(node_address(1), one_byte(1));
  fake_at(sim, 0).port().send_stream(node_address(1), one_byte(2));
  sim.run_for(10ms);
  sim.crash(1);
  sim.resume(1);  // no-op: crashed, not paused
  EXPECT_EQ(sim.inbox_size(1), 0u);
  EXPECT_EQ(sim.counters().datagrams_target_down, 1u);
  EXPECT_EQ(sim.counters().streams_target_down, 1u);
  EXPECT_TRUE(fake_at(sim, 1).log.empty());
}

// --- Timers ----------------------------------------------------------------------------

std::vector<core::TimePoint> timer_times(const FakeProcess& p) {
  std::vector<core::TimePoint> out;
  for (const auto& r : p.log) {
    if (r.kind == Kind::timer) out.push_back(r.at);
  }
  return out;
}

TEST(Simulator, LaterRequestReplacesEarlierOne) {
  Simulator sim;
  sim.add_node(fake());
  fake_at(sim, 0).port().schedule(t(10ms));
  fake_at(sim, 0).port().schedule(t(20ms));
  sim.run_for(100ms);
  EXPECT_EQ(timer_times(fake_at(sim, 0)), std::vector<core::TimePoint>{t(20ms)});
}

TEST(Simulator, EarlierRequestReplacesLaterOne) {
  Simulator sim;
  sim.add_node(fake());
  fake_at(sim, 0).port().schedule(t(20ms));
  fake_at(sim, 0).port().schedule(t(10ms));
  sim.run_for(100ms);
  EXPECT_EQ(timer_times(fake_at(sim, 0)), std::vector<core::TimePoint>{t(10ms)});
  EXPECT_GE(sim.counters().timers_stale, 1u);
}

TEST(Simulator, PastRequestFiresNow) {
  Simulator sim;
  sim.add_node(fake());
  sim.run_for(50ms);
  fake_at(sim, 0).port().schedule(t(10ms));
  sim.run_for(1ms);
  EXPECT_EQ(timer_times(fake_at(sim, 0)), std::vector<core::TimePoint>{t(50ms)});
}

TEST(Simulator, RepeatedPostponementDoesNotGrowTheQueue) {
  Simulator sim;
  sim.add_node(fake());
  for (int i = 1; i <= 10000; ++i) fake_at(sim, 0).port().schedule(t(i * 1ms));
  EXPECT_LE(sim.pending_events(), 1u);
  sim.run_for(20s);
  EXPECT_EQ(timer_times(fake_at(sim, 0)), std::vector<core::TimePoint>{t(10s)});
}

TEST(Simulator, TimerRearmedFromItsHandlerKeepsTicking) {
  Simulator sim;
  sim.add_node(fake([](FakeProcess& p) {
    p.on_start = [](FakeProcess& self, const Received& r) { self.port().schedule(r.at + 10ms); };
    p.on_receive = [](FakeProcess& self, const Received& r) {
      if (r.kind == Kind::timer) self.port().schedule(r.at + 10ms);
    };
  }));
  sim.run_for(95ms);
  EXPECT_EQ(timer_times(fake_at(sim, 0)).size(), 9u);
}

}  // namespace
}  // namespace convoy::sim
