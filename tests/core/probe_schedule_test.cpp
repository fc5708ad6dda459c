// Tests of SWIM's probe order: every member once per round, newcomers within the round, no slot
// listed twice in what remains of a round (a member back from the dead, a reused slot), and the
// same order for the same seed.
#include "core/detection/probe_schedule.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <vector>

namespace convoy::core {
namespace {

/// Slots 0..n-1, each active (eligible) or not, and a schedule over them. A round is what
/// next() returns from one refill to the next.
struct World {
  World(std::size_t n, std::uint64_t seed) : active(n, true), rng(seed) {}

  /// The next slot to probe, with the round it belongs to.
  std::uint32_t next() {
    return schedule.next(
        rng, [&](std::uint32_t s) { return s < active.size() && active[s]; },
        [&](std::vector<std::uint32_t>& out) {
          ++refills;
          for (std::uint32_t s = 0; s < active.size(); ++s)
            if (active[s]) out.push_back(s);
        });
  }
  /// A member becomes active in `slot` (new, back from the dead, or reusing a reaped slot).
  void activate(std::uint32_t slot) {
    if (slot >= active.size()) active.resize(slot + 1, false);
    active[slot] = true;
    schedule.add(slot, rng);
  }

  std::vector<bool> active;
  Random rng;
  ProbeSchedule schedule;
  std::size_t refills = 0;
};

/// Runs `w` for `rounds` complete rounds; returns what each round probed, in order.
std::vector<std::vector<std::uint32_t>> rounds_of(World& w, std::size_t rounds) {
  std::vector<std::vector<std::uint32_t>> out;
  for (;;) {
    const std::uint32_t s = w.next();
    if (w.refills > rounds) break;
    if (out.size() < w.refills) out.resize(w.refills);
    out[w.refills - 1].push_back(s);
  }
  return out;
}

TEST(ProbeSchedule, EveryMemberExactlyOncePerRound) {
  World w(10, 1);
  const auto rounds = rounds_of(w, 6);
  ASSERT_EQ(rounds.size(), 6u);
  std::vector<std::uint32_t> all(10);
  std::iota(all.begin(), all.end(), 0u);
  std::set<std::vector<std::uint32_t>> orders;
  for (const auto& r : rounds) {
    auto sorted = r;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, all);
    orders.insert(r);
  }
  EXPECT_GT(orders.size(), 1u) << "every round in the same order: not shuffled";
}

TEST(ProbeSchedule, NobodyToProbe) {
  World w(3, 1);
  w.active.assign(3, false);
  EXPECT_EQ(w.next(), ProbeSchedule::kNone);
  w.activate(1);
  EXPECT_EQ(w.next(), 1u);
}

TEST(ProbeSchedule, MemberAddedMidRoundIsProbedWithinTheRound) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    for (std::size_t taken = 1; taken <= 10; ++taken) {  // 10: added after the round's last
      World w(10, seed);
      std::vector<std::uint32_t> round;
      for (std::size_t i = 0; i < taken; ++i) round.push_back(w.next());
      ASSERT_EQ(w.refills, 1u);
      w.activate(10);
      for (;;) {
        const std::uint32_t s = w.next();
        if (w.refills > 1) break;
        round.push_back(s);
      }
      EXPECT_EQ(std::count(round.begin(), round.end(), 10u), 1) << seed << " " << taken;
      EXPECT_EQ(round.size(), 11u) << seed << " " << taken;
    }
  }
}

/// A member whose entry is still ahead in the round dies and comes back (or its slot is reaped
/// and reused by a newcomer): it is probed once in the round, not twice.
TEST(ProbeSchedule, SlotReaddedWhileStillAheadIsNotListedTwice) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    World w(10, seed);
    std::vector<std::uint32_t> round{w.next(), w.next()};
    // A slot not probed yet this round.
    std::uint32_t back = 0;
    while (std::count(round.begin(), round.end(), back) != 0) ++back;
    w.active[back] = false;  // dies (or is reaped)
    w.activate(back);        // and comes back (or a newcomer takes the slot)
    w.activate(back);        // told twice
    for (;;) {
      const std::uint32_t s = w.next();
      if (w.refills > 1) break;
      round.push_back(s);
    }
    EXPECT_EQ(std::count(round.begin(), round.end(), back), 1) << seed;
    EXPECT_EQ(round.size(), 10u) << seed;
  }
}

TEST(ProbeSchedule, MemberThatLeavesIsSkippedAndTheRestKeepTheirTurn) {
  World w(10, 3);
  std::vector<std::uint32_t> round{w.next()};
  const std::uint32_t gone = round[0] == 4 ? 5 : 4;
  w.active[gone] = false;
  for (;;) {
    const std::uint32_t s = w.next();
    if (w.refills > 1) break;
    round.push_back(s);
  }
  EXPECT_EQ(round.size(), 9u);
  EXPECT_EQ(std::count(round.begin(), round.end(), gone), 0);
}

TEST(ProbeSchedule, SameSeedSameOrder) {
  auto run = [](std::uint64_t seed) {
    World w(20, seed);
    std::vector<std::uint32_t> out;
    for (int i = 0; i < 100; ++i) {
      if (i == 30) w.activate(20);
      if (i == 50) w.active[3] = false;
      out.push_back(w.next());
    }
    return out;
  };
  EXPECT_EQ(run(9), run(9));
  EXPECT_NE(run(9), run(10));
}

// Churn: members come and go (activate, deactivate, reuse of a slot) between probes. Checked
// against a model of what remains of the round:
//  - every slot returned is active and was listed ahead;
//  - no slot is returned twice in a round unless it was (re)activated after its first probe —
//    a member that comes back after its turn is a new life that deserves a probe;
//  - a round ends only when every slot still listed ahead is inactive: nobody active skipped;
//  - kNone only when nobody is active;
//  - the same seed and operations give the same probes.
RC_GTEST_PROP(ProbeSchedule, ChurnNeverListsASlotTwice, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto initial = *rc::gen::inRange<std::uint32_t>(0, 12);
  // (kind, slot): kind 0-2 next, 3 toggle `slot`, 4 reuse `slot` (dies, a newcomer takes it).
  const auto ops = *rc::gen::container<std::vector<std::pair<int, std::uint32_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 5), rc::gen::inRange<std::uint32_t>(0, 16)));

  auto run = [&](bool check) {
    World w(initial, seed);
    std::set<std::uint32_t> ahead;        // model: listed in the rest of the round
    std::map<std::uint32_t, int> probed;  // this round: slot → times probed
    std::set<std::uint32_t> readded;      // activated after being probed this round
    std::vector<std::uint32_t> out;
    auto on_refill = [&] {
      for (std::uint32_t s : ahead)
        if (check) RC_ASSERT(!(s < w.active.size() && w.active[s]));
      ahead.clear();
      probed.clear();
      readded.clear();
      for (std::uint32_t s = 0; s < w.active.size(); ++s)
        if (w.active[s]) ahead.insert(s);
    };
    for (auto [kind, slot] : ops) {
      if (kind <= 2) {
        // The model learns of refills as they happen, inside next().
        const std::uint32_t s = w.schedule.next(
            w.rng, [&](std::uint32_t x) { return x < w.active.size() && w.active[x]; },
            [&](std::vector<std::uint32_t>& list) {
              ++w.refills;
              on_refill();
              for (std::uint32_t x = 0; x < w.active.size(); ++x)
                if (w.active[x]) list.push_back(x);
            });
        out.push_back(s);
        if (!check) continue;
        if (s == ProbeSchedule::kNone) {
          RC_ASSERT(std::none_of(w.active.begin(), w.active.end(), [](bool a) { return a; }));
          continue;
        }
        RC_ASSERT(s < w.active.size() && w.active[s]);
        RC_ASSERT(ahead.erase(s) == 1u);
        if (++probed[s] > 1) RC_ASSERT(readded.count(s) == 1u);
        readded.erase(s);
      } else {
        const bool reuse = kind == 4;
        if (slot < w.active.size() && w.active[slot]) {
          w.active[slot] = false;  // dies, leaves or is reaped
          if (!reuse) continue;
        }
        w.activate(slot);
        ahead.insert(slot);
        if (probed.count(slot) != 0) readded.insert(slot);
      }
    }
    return out;
  };
  const auto first = run(true);
  RC_ASSERT(run(false) == first);
}

}  // namespace
}  // namespace convoy::core
