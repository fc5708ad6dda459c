// EventQueue: the (time, insertion order) contract every deterministic run rests on.
#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

core::TimePoint t(core::Duration d) {
  return core::TimePoint(d);
}

SimEvent tagged(std::uint64_t token) {
  SimEvent e;
  e.token = token;
  return e;
}

TEST(EventQueue, PopsEarliestFirst) {
  EventQueue q;
  q.push(t(30ms), tagged(3));
  q.push(t(10ms), tagged(1));
  q.push(t(20ms), tagged(2));
  SimEvent out;
  EXPECT_EQ(q.next_time(), t(10ms));
  EXPECT_EQ(q.pop(out), t(10ms));
  EXPECT_EQ(out.token, 1u);
  EXPECT_EQ(q.pop(out), t(20ms));
  EXPECT_EQ(out.token, 2u);
  EXPECT_EQ(q.pop(out), t(30ms));
  EXPECT_EQ(out.token, 3u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, EqualTimesComeOutInInsertionOrder) {
  EventQueue q;
  for (std::uint64_t i = 0; i < 100; ++i) q.push(t(5ms), tagged(i));
  SimEvent out;
  for (std::uint64_t i = 0; i < 100; ++i) {
    q.pop(out);
    EXPECT_EQ(out.token, i);
  }
}

TEST(EventQueue, MovesPayloadInAndOut) {
  EventQueue q;
  SimEvent e;
  e.bytes = {1, 2, 3};
  const auto* data = e.bytes.data();
  q.push(t(1ms), std::move(e));
  SimEvent out;
  q.pop(out);
  EXPECT_EQ(out.bytes, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(out.bytes.data(), data);  // moved, never copied
}

// Against a reference: a stable sort by time of everything pushed, with pops interleaved.
TEST(EventQueue, MatchesStableSortUnderInterleavedPushAndPop) {
  std::mt19937_64 rng(7);
  EventQueue q;
  struct Ref {
    std::int64_t at;
    std::uint64_t seq;
  };
  std::vector<Ref> pending;
  std::uint64_t seq = 0;
  std::int64_t floor = 0;  // like a simulator: never push before the last popped time
  SimEvent out;
  for (int round = 0; round < 20000; ++round) {
    if (rng() % 3 != 0 || pending.empty()) {
      const std::int64_t at = floor + static_cast<std::int64_t>(rng() % 50);
      q.push(t(core::Duration(at)), tagged(seq));
      pending.push_back({at, seq++});
    } else {
      auto best = std::min_element(pending.begin(), pending.end(), [](const Ref& a, const Ref& b) {
        return a.at < b.at || (a.at == b.at && a.seq < b.seq);
      });
      const auto when = q.pop(out);
      ASSERT_EQ(when.time_since_epoch().count(), best->at);
      ASSERT_EQ(out.token, best->seq);
      floor = best->at;
      pending.erase(best);
    }
  }
  EXPECT_EQ(q.size(), pending.size());
  EXPECT_EQ(q.pushed(), seq);
}

}  // namespace
}  // namespace convoy::sim
