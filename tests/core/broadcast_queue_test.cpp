// Tests of the piggyback queue's ordering, supersession and send limit.
#include "core/dissemination/broadcast_queue.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

namespace convoy::core {
namespace {

using V = BroadcastQueue::Verdict;

std::vector<std::uint32_t> take_all(BroadcastQueue& q, std::uint32_t limit) {
  std::vector<std::uint32_t> order;
  q.select(limit, [&](std::uint32_t k) {
    order.push_back(k);
    return V::taken;
  });
  return order;
}

TEST(BroadcastQueue, FewestSendsFirstThenOldest) {
  BroadcastQueue q;
  q.push(1);
  q.push(2);
  std::vector<std::uint32_t> order;
  q.select(10, [&](std::uint32_t k) {
    order.push_back(k);
    return order.size() == 1 ? V::taken : V::full;
  });
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 2}));  // 1 was queued first
  q.push(3);
  // 2 and 3 have zero sends (2 older), then 1 with one send.
  EXPECT_EQ(take_all(q, 10), (std::vector<std::uint32_t>{2, 3, 1}));
}

TEST(BroadcastQueue, RequeueingReplacesAndResetsSends) {
  BroadcastQueue q;
  q.push(7);
  q.push(8);
  take_all(q, 10);
  take_all(q, 10);
  EXPECT_EQ(q.sends(7), 2u);
  q.push(7);  // a newer state of item 7: back to zero sends, ahead of 8's retransmissions
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.sends(7), 0u);
  EXPECT_EQ(take_all(q, 10), (std::vector<std::uint32_t>{7, 8}));
}

TEST(BroadcastQueue, FullStopsWithoutCountingASend) {
  BroadcastQueue q;
  q.push(1);
  q.push(2);
  q.select(5, [](std::uint32_t) { return V::full; });
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.sends(1), 0u);
  EXPECT_EQ(q.sends(2), 0u);
  q.select(5, [](std::uint32_t k) { return k == 2 ? V::drop : V::taken; });
  EXPECT_FALSE(q.queued(2));
  EXPECT_EQ(q.sends(1), 1u);
}

TEST(BroadcastQueue, ShrinkingLimitRetiresEntries) {
  BroadcastQueue q;
  q.push(1);
  for (int i = 0; i < 3; ++i) take_all(q, 10);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_TRUE(take_all(q, 2).empty());
  EXPECT_TRUE(q.empty());
}

// Whatever the interleaving of pushes, removals and selections: every item is sent at most
// `limit` times per queueing, never twice in one selection, and size() matches the model.
RC_GTEST_PROP(BroadcastQueue, SendLimitAndUniqueness, ()) {
  const auto limit = *rc::gen::inRange<std::uint32_t>(1, 8);
  const auto ops = *rc::gen::container<std::vector<std::pair<int, std::uint32_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange<std::uint32_t>(0, 20)));
  BroadcastQueue q;
  std::map<std::uint32_t, std::uint32_t> sends;  // model: queued key → sends so far
  for (auto [op, key] : ops) {
    if (op == 0) {
      q.push(key);
      sends[key] = 0;
    } else if (op == 1) {
      q.remove(key);
      sends.erase(key);
    } else {
      std::map<std::uint32_t, int> seen;
      std::uint32_t budget = key;  // take at most `key` entries this round
      q.select(limit, [&](std::uint32_t k) {
        if (budget == 0) return V::full;
        --budget;
        RC_ASSERT(++seen[k] == 1);
        RC_ASSERT(sends.count(k) == 1u);
        if (++sends[k] == limit) sends.erase(k);
        return V::taken;
      });
    }
    RC_ASSERT(q.size() == sends.size());
    for (auto [k, n] : sends) RC_ASSERT(q.sends(k) == n);
  }
}

}  // namespace
}  // namespace convoy::core
