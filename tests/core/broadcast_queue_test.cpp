// Tests of the piggyback queue's ordering, supersession, send limit and retirement when the
// limit shrinks, and of StoreNews releasing the handles of entries that leave its queue.
#include "core/dissemination/broadcast_queue.hpp"
#include "core/dissemination/store_news.hpp"
#include "wire/codec.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

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

// --- Retiring entries when the limit shrinks ---------------------------------------------------

TEST(BroadcastQueue, ShrunkLimitRetiresEachOverLimitEntryOnceAndOffersTheRest) {
  BroadcastQueue q;
  q.push(1);
  q.push(2);
  q.push(3);
  for (int i = 0; i < 3; ++i) take_all(q, 10);  // 1, 2, 3: three sends each
  q.push(4);
  take_all(q, 10);  // 4: one send (1, 2, 3: four)
  q.push(5);        // 5: none
  ASSERT_EQ(q.sends(1), 4u);
  ASSERT_EQ(q.sends(4), 1u);

  std::vector<std::uint32_t> offered, retired;
  const auto visit = [&](std::uint32_t k) {
    offered.push_back(k);
    return V::taken;
  };
  const auto retire = [&](std::uint32_t k) { retired.push_back(k); };
  q.select(2, visit, retire);  // the cluster shrank: two sends are enough now
  EXPECT_EQ(offered, (std::vector<std::uint32_t>{5, 4}));
  std::sort(retired.begin(), retired.end());
  EXPECT_EQ(retired, (std::vector<std::uint32_t>{1, 2, 3}));
  // 4 reached the limit by being sent: finished, not retired; 5 has one send left.
  EXPECT_EQ(q.size(), 1u);
  EXPECT_TRUE(q.queued(5));
  EXPECT_EQ(q.sends(5), 1u);

  offered.clear();
  retired.clear();
  q.select(2, visit, retire);
  EXPECT_EQ(offered, (std::vector<std::uint32_t>{5}));
  EXPECT_TRUE(retired.empty());
  EXPECT_TRUE(q.empty());
}

TEST(BroadcastQueue, SelectStoppedEarlyRetiresLaterAndOnlyOnce) {
  BroadcastQueue q;
  q.push(1);
  for (int i = 0; i < 3; ++i) take_all(q, 10);
  q.push(2);
  std::vector<std::uint32_t> retired;
  const auto retire = [&](std::uint32_t k) { retired.push_back(k); };
  // The packet is full at once: nothing is offered past 2, and 1 waits.
  q.select(
      2, [](std::uint32_t) { return V::full; }, retire);
  EXPECT_EQ(q.size(), 2u);
  q.select(
      2, [](std::uint32_t) { return V::full; }, retire);
  q.select(
      2, [](std::uint32_t) { return V::taken; }, retire);
  q.select(
      2, [](std::uint32_t) { return V::taken; }, retire);
  EXPECT_EQ(retired, (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(q.empty());
}

// Random pushes, removals and selections whose limit changes from call to call (the cluster
// grows and shrinks), with visitors that take, drop, or find the packet full. Against a model:
// size() is pushed minus removed, dropped, retired and finished; nothing is offered or retired
// twice in one select; only entries below the limit are offered, least-sent first; only entries
// at or over it are retired; a select that ran to the end offered every entry below the limit
// and retired every one over it.
RC_GTEST_PROP(BroadcastQueue, RetireAccountsForEveryEntry, ()) {
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, std::uint32_t, std::uint32_t>>>(
      rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange<std::uint32_t>(0, 24),
                     rc::gen::inRange<std::uint32_t>(0, 1000)));
  BroadcastQueue q;
  std::map<std::uint32_t, std::uint32_t> model;  // queued key → sends
  for (auto [op, key, r] : ops) {
    if (op == 0) {
      q.push(key);
      model[key] = 0;
    } else if (op == 1) {
      q.remove(key);
      model.erase(key);
    } else {
      const std::uint32_t limit = 1 + r % 6;
      const std::uint32_t budget = op == 2 ? 1000 : key;  // op 3 may stop early
      const std::map<std::uint32_t, std::uint32_t> before = model;
      std::set<std::uint32_t> offered, retired;
      std::uint32_t last_sends = 0;
      std::uint32_t taken = 0;
      bool stopped = false;
      std::uint32_t draw = r;
      q.select(
          limit,
          [&](std::uint32_t k) {
            RC_ASSERT(model.count(k) == 1u);
            RC_ASSERT(offered.insert(k).second);
            RC_ASSERT(retired.count(k) == 0u);
            RC_ASSERT(model[k] < limit);
            RC_ASSERT(model[k] >= last_sends);  // least-sent first
            last_sends = model[k];
            if (taken == budget) {
              stopped = true;
              return V::full;
            }
            ++taken;
            draw = draw * 1103515245u + 12345u;
            if ((draw >> 16) % 5 == 0) {
              model.erase(k);
              return V::drop;
            }
            if (++model[k] == limit) model.erase(k);
            return V::taken;
          },
          [&](std::uint32_t k) {
            RC_ASSERT(model.count(k) == 1u);
            RC_ASSERT(offered.count(k) == 0u);
            RC_ASSERT(retired.insert(k).second);
            RC_ASSERT(model[k] >= limit);
            model.erase(k);
          });
      if (!stopped) {
        for (auto [k, n] : before) {
          if (n < limit)
            RC_ASSERT(offered.count(k) == 1u);
          else
            RC_ASSERT(retired.count(k) == 1u);
        }
      }
    }
    RC_ASSERT(q.size() == model.size());
    for (auto [k, n] : model) {
      RC_ASSERT(q.queued(k));
      RC_ASSERT(q.sends(k) == n);
    }
  }
}

// --- StoreNews: handles follow their entries out of the queue ---------------------------------

class BroadcastQueueStoreNews : public ::testing::Test {
 protected:
  static constexpr std::size_t kBudget = 60000;

  /// Packs with `limit`; returns the keys packed, in order.
  std::vector<std::string> fill(std::uint32_t limit) {
    wire::Packer packer(wire::Packet{wire::Gossip{}, {}, {}}, kBudget);
    std::vector<wire::StoreDelta> oversized;
    news.fill(packer, limit, kBudget, resolve, oversized);
    std::vector<std::string> keys;
    for (const auto& d : packer.packet().deltas) keys.push_back(d.item.key);
    return keys;
  }

  StoreNews news;
  std::set<std::string> gone;  // keys whose item was collected
  StoreNews::Resolve resolve = [this](MemberKey owner,
                                      const std::string& key) -> std::optional<wire::StoreDelta> {
    if (gone.count(key) != 0) return std::nullopt;
    return wire::StoreDelta{MemberId{1, owner}, 1, wire::StoreItem{key, "v", 1, false}};
  };
};

TEST_F(BroadcastQueueStoreNews, ReleasedWhenTheShrunkLimitRetiresTheirEntries) {
  for (int i = 0; i < 20; ++i) news.enqueue(3, "a" + std::to_string(i));
  ASSERT_EQ(news.handles_in_use(), 20u);
  EXPECT_EQ(fill(10).size(), 20u);  // one send each
  EXPECT_EQ(fill(10).size(), 20u);  // two
  EXPECT_EQ(news.size(), 20u);
  // The cluster shrank: one send is enough. Nothing is sent; every entry retires.
  EXPECT_TRUE(fill(1).empty());
  EXPECT_EQ(news.size(), 0u);
  EXPECT_EQ(news.handles_in_use(), 0u);

  // The handles are reused, and a retired key queued again is news again, under its own name.
  for (int i = 0; i < 20; ++i) news.enqueue(4, "b" + std::to_string(i));
  news.enqueue(3, "a7");
  EXPECT_EQ(news.handles_in_use(), 21u);
  auto keys = fill(10);
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> expected{"a7"};
  for (int i = 0; i < 20; ++i) expected.push_back("b" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys, expected);
}

TEST_F(BroadcastQueueStoreNews, ReleasedWhenFinishedDroppedOrForgotten) {
  for (int i = 0; i < 6; ++i) news.enqueue(3, "k" + std::to_string(i));
  for (int i = 0; i < 4; ++i) news.enqueue(5, "m" + std::to_string(i));
  gone.insert("k0");              // collected: dropped when offered
  EXPECT_EQ(fill(2).size(), 9u);  // one send each
  EXPECT_EQ(news.handles_in_use(), 9u);
  news.forget_owner(5);
  EXPECT_EQ(news.handles_in_use(), 5u);
  EXPECT_EQ(fill(2).size(), 5u);  // the last send: finished
  EXPECT_EQ(news.size(), 0u);
  EXPECT_EQ(news.handles_in_use(), 0u);
}

// Whatever the sequence of enqueues, forgets, collections and fills with changing limits, every
// handle in use names a queued entry.
RC_GTEST_PROP(BroadcastQueue, StoreNewsHandlesInUseEqualQueuedEntries, ()) {
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, std::uint32_t, std::uint32_t>>>(
      rc::gen::tuple(rc::gen::inRange(0, 5), rc::gen::inRange<std::uint32_t>(0, 3),
                     rc::gen::inRange<std::uint32_t>(0, 12)));
  StoreNews news;
  std::set<std::string> gone;
  const StoreNews::Resolve resolve =
      [&](MemberKey owner, const std::string& key) -> std::optional<wire::StoreDelta> {
    if (gone.count(key) != 0) return std::nullopt;
    return wire::StoreDelta{MemberId{1, owner}, 1, wire::StoreItem{key, "v", 1, false}};
  };
  for (auto [op, owner, n] : ops) {
    const std::string key = std::to_string(owner) + "/" + std::to_string(n);
    if (op <= 1) {
      news.enqueue(owner, key);
      gone.erase(key);
    } else if (op == 2) {
      news.forget_owner(owner);
    } else if (op == 3) {
      gone.insert(key);
    } else {
      const std::size_t budget = 40 + 30 * n;  // small budgets stop early
      wire::Packer packer(wire::Packet{wire::Gossip{}, {}, {}}, budget);
      std::vector<wire::StoreDelta> oversized;
      news.fill(packer, 1 + owner, 65000, resolve, oversized);
      for (const auto& d : packer.packet().deltas)
        RC_ASSERT(d.item.key.substr(0, d.item.key.find('/')) == std::to_string(d.owner.lo));
    }
    RC_ASSERT(news.handles_in_use() == news.size());
  }
}

}  // namespace
}  // namespace convoy::core
