// Network: partitions, loss statistics and latency, checked on the link model alone.
#include "sim/network.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

Network make(NetworkConfig config = {}) {
  return Network(config, 42);
}

TEST(Network, EverythingReachableByDefault) {
  Network net = make();
  for (Slot a = 0; a < 5; ++a) {
    for (Slot b = 0; b < 5; ++b) EXPECT_TRUE(net.reachable(a, b));
  }
}

TEST(Network, OneWayBlockCutsOnlyOneDirection) {
  Network net = make();
  net.block(1, 2);
  EXPECT_FALSE(net.reachable(1, 2));
  EXPECT_TRUE(net.reachable(2, 1));
  EXPECT_TRUE(net.reachable(1, 3));
  net.unblock(1, 2);
  EXPECT_TRUE(net.reachable(1, 2));
}

TEST(Network, TwoWayBlockCutsBoth) {
  Network net = make();
  net.block_both(1, 2);
  EXPECT_FALSE(net.reachable(1, 2));
  EXPECT_FALSE(net.reachable(2, 1));
  net.unblock_both(1, 2);
  EXPECT_TRUE(net.reachable(1, 2));
  EXPECT_TRUE(net.reachable(2, 1));
}

TEST(Network, SplitSeparatesGroupsAndTheUnlisted) {
  Network net = make();
  const std::vector<std::vector<Slot>> groups = {{0, 1}, {2, 3}};
  net.split(groups);
  EXPECT_TRUE(net.reachable(0, 1));
  EXPECT_TRUE(net.reachable(3, 2));
  EXPECT_FALSE(net.reachable(0, 2));
  EXPECT_FALSE(net.reachable(3, 1));
  // 4 and 5 were not listed: together, but cut from both groups.
  EXPECT_TRUE(net.reachable(4, 5));
  EXPECT_FALSE(net.reachable(4, 0));
  EXPECT_FALSE(net.reachable(2, 5));
  net.heal();
  EXPECT_TRUE(net.reachable(0, 2));
  EXPECT_TRUE(net.reachable(4, 0));
}

TEST(Network, OneWaySplit) {
  Network net = make();
  const std::vector<Slot> from = {0, 1};
  const std::vector<Slot> to = {2, 3};
  net.split_one_way(from, to);
  EXPECT_FALSE(net.reachable(0, 2));
  EXPECT_FALSE(net.reachable(1, 3));
  EXPECT_TRUE(net.reachable(2, 0));
  EXPECT_TRUE(net.reachable(0, 4));
  EXPECT_TRUE(net.reachable(4, 2));
}

TEST(Network, IsolateByDirection) {
  Network net = make();
  net.isolate(1, Direction::inbound);
  EXPECT_FALSE(net.reachable(0, 1));
  EXPECT_TRUE(net.reachable(1, 0));
  net.isolate(2, Direction::outbound);
  EXPECT_TRUE(net.reachable(0, 2));
  EXPECT_FALSE(net.reachable(2, 0));
  net.isolate(3);
  EXPECT_FALSE(net.reachable(0, 3));
  EXPECT_FALSE(net.reachable(3, 0));
  EXPECT_TRUE(net.reachable(3, 3));  // loopback is never cut
  net.reconnect(1);
  EXPECT_TRUE(net.reachable(0, 1));
  EXPECT_FALSE(net.reachable(2, 0));
  net.heal();
  EXPECT_TRUE(net.reachable(2, 0));
  EXPECT_TRUE(net.reachable(0, 3));
}

TEST(Network, LossRateWithinStatisticalBounds) {
  NetworkConfig config;
  config.loss = 0.1;
  Network net = make(config);
  constexpr int kTrials = 200000;
  int lost = 0;
  for (int i = 0; i < kTrials; ++i) lost += net.draw_loss(0, 1) ? 1 : 0;
  const double mean = kTrials * 0.1;
  const double sigma = std::sqrt(kTrials * 0.1 * 0.9);
  EXPECT_NEAR(lost, mean, 5 * sigma);
}

TEST(Network, PerLinkLossOverridesGlobal) {
  Network net = make();
  net.set_link_loss(0, 1, 1.0);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(net.draw_loss(0, 1));
    EXPECT_FALSE(net.draw_loss(1, 0));
  }
  net.clear_link_loss(0, 1);
  EXPECT_FALSE(net.draw_loss(0, 1));
}

TEST(Network, UniformLatencyStaysInRange) {
  Network net = make();  // default: 1 ms + [0, 4 ms]
  core::Duration lo = 1h;
  core::Duration hi = 0ns;
  for (int i = 0; i < 10000; ++i) {
    const auto d = net.draw_latency(0, 1);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_GE(lo, 1ms);
  EXPECT_LE(hi, 5ms);
  EXPECT_LT(lo, 1100us);  // and the range is actually used
  EXPECT_GT(hi, 4900us);
}

TEST(Network, ExponentialJitterHasTheConfiguredMean) {
  NetworkConfig config;
  config.latency = LatencyModel{2ms, 3ms, Jitter::exponential};
  Network net = make(config);
  double sum = 0;
  constexpr int kTrials = 100000;
  for (int i = 0; i < kTrials; ++i) {
    const auto d = net.draw_latency(0, 1);
    ASSERT_GE(d, 2ms);
    sum += std::chrono::duration<double, std::milli>(d - 2ms).count();
  }
  EXPECT_NEAR(sum / kTrials, 3.0, 0.05);
}

TEST(Network, PerLinkLatencyAndSpread) {
  NetworkConfig config;
  config.latency = LatencyModel{1ms, 0ns, Jitter::none};
  config.link_spread = 10ms;
  Network net = make(config);
  // Spread: fixed per link, the same both ways, different between links.
  EXPECT_EQ(net.draw_latency(3, 7), net.draw_latency(3, 7));
  EXPECT_EQ(net.draw_latency(3, 7), net.draw_latency(7, 3));
  bool differs = false;
  for (Slot b = 1; b < 20; ++b) differs |= net.draw_latency(0, b) != net.draw_latency(0, 1);
  EXPECT_TRUE(differs);
  for (Slot b = 1; b < 20; ++b) EXPECT_LE(net.draw_latency(0, b), 11ms);

  net.set_link_latency(0, 1, LatencyModel{50ms, 0ns, Jitter::none});
  EXPECT_GE(net.draw_latency(0, 1), 50ms);
  EXPECT_LT(net.draw_latency(1, 0), 50ms);
}

TEST(Network, StreamArrivalsKeepSendOrderAndPayForSize) {
  NetworkConfig config;
  config.latency = LatencyModel{1ms, 20ms, Jitter::uniform};
  config.stream_bandwidth = 1e6;  // 1 MB/s: 1 byte per microsecond
  Network net = make(config);
  const core::TimePoint now{};
  core::TimePoint last{};
  for (int i = 0; i < 1000; ++i) {
    const auto at = net.stream_arrival(0, 1, 1000, now);
    EXPECT_GE(at, now + 1ms + 1ms);  // latency floor plus 1000 bytes at 1 MB/s
    EXPECT_GE(at, last + 1ms);       // one message after the other on the pair
    last = at;
  }
  // Another pair is not held back by this one.
  EXPECT_LE(net.stream_arrival(1, 0, 0, now), now + 21ms);
}

TEST(Network, SameSeedSameDraws) {
  NetworkConfig config;
  config.loss = 0.3;
  Network a(config, 9);
  Network b(config, 9);
  Network c(config, 10);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const auto la = a.draw_latency(0, 1);
    EXPECT_EQ(la, b.draw_latency(0, 1));
    differs |= la != c.draw_latency(0, 1);
    EXPECT_EQ(a.draw_loss(0, 1), b.draw_loss(0, 1));
    (void)c.draw_loss(0, 1);
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace convoy::sim
