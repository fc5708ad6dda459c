// Tests of the piggyback queue's ordering, supersession and send limit.
#include "core/broadcast_queue.hpp"

#include <gtest/gtest.h>

#include <map>

namespace convoy::core {
namespace {

using V = BroadcastQueue::Verdict;

TEST(BroadcastQueue, FewestSendsFirstThenNewest) {
  BroadcastQueue q;
  q.push(1, 1);
  q.push(2, 2);
  std::vector<std::uint32_t> order;
  q.select(10, [&](const BroadcastQueue::Entry& e) {
    order.push_back(e.key);
    return order.size() == 1 ? V::taken : V::full;
  });
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 1}));  // 2 is newer
  q.push(3, 3);
  order.clear();
  q.select(10, [&](const BroadcastQueue::Entry& e) {
    order.push_back(e.key);
    return V::taken;
  });
  // 3 and 1 have zero sends (3 newer), then 2 with one send.
  EXPECT_EQ(order, (std::vector<std::uint32_t>{3, 1, 2}));
}

TEST(BroadcastQueue, EachEntryIsSentExactlyLimitTimes) {
  BroadcastQueue q;
  for (std::uint32_t k = 0; k < 50; ++k) q.push(k, k);
  std::map<std::uint32_t, int> sends;
  for (int round = 0; round < 100; ++round)
    q.select(7, [&](const BroadcastQueue::Entry& e) {
      ++sends[e.key];
      return V::taken;
    });
  ASSERT_EQ(sends.size(), 50u);
  for (auto [k, n] : sends) EXPECT_EQ(n, 7) << k;
  EXPECT_TRUE(q.empty());
}

TEST(BroadcastQueue, StaleEntriesAreDroppedAndFullStopsWithoutLoss) {
  BroadcastQueue q;
  q.push(1, 10);
  q.push(1, 11);  // supersedes generation 10
  q.push(2, 20);
  std::vector<std::uint64_t> seen;
  q.select(5, [&](const BroadcastQueue::Entry& e) {
    seen.push_back(e.generation);
    if (e.generation == 10) return V::stale;
    return V::full;  // nothing fits
  });
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{20}));
  EXPECT_EQ(q.size(), 3u);  // full keeps everything
  q.compact([](const BroadcastQueue::Entry& e) { return e.generation == 10; });
  EXPECT_EQ(q.size(), 2u);
}

TEST(BroadcastQueue, ShrinkingLimitRetiresEntries) {
  BroadcastQueue q;
  q.push(1, 1);
  for (int i = 0; i < 3; ++i) q.select(10, [](const BroadcastQueue::Entry&) { return V::taken; });
  EXPECT_EQ(q.size(), 1u);
  int offered = 0;
  q.select(2, [&](const BroadcastQueue::Entry&) {
    ++offered;
    return V::taken;
  });
  EXPECT_EQ(offered, 0);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace convoy::core
