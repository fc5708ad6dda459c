// The schedule runner on small fixed schedules: a run replays exactly from its schedule, the
// quiet period heals what the schedule left broken, deaths are attributed to what caused them,
// and each invariant check counts what it should — shown on clusters caught in a state the
// check must flag, so a check that always says "fine" cannot pass here. Each test prints its
// seed.
#include "sim/schedule_runner.hpp"
#include "sim/cluster_invariants.hpp"
#include "sim/fault_schedule.hpp"
#include "sim/scenario_runs.hpp"
#include "sim/schedule_file.hpp"
#include "sim/sim_cluster.hpp"
#include "sim/write_ledger.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

FaultSchedule schedule(std::size_t members, std::uint64_t seed,
                       std::vector<ScheduledAction> actions) {
  std::cout << "[ seed     ] schedule members=" << members << " seed=" << seed << "\n";
  FaultSchedule s;
  s.members = members;
  s.seed = seed;
  s.actions = std::move(actions);
  return s;
}

/// Crash, restart with memory, a split with writes on both sides, a pause, loss on one member.
FaultSchedule mixed(std::uint64_t seed) {
  return schedule(10, seed,
                  {{0s, action::Writes{20, 40s, 0.3, 0.2}},
                   {2s, action::Crash{4}},
                   {5s, action::MemberLoss{7, 0.3}},
                   {10s, action::Partition{{{0, 1, 2, 3, 4}}}},
                   {15s, action::Restart{4, RestartMemory::kept}},
                   {20s, action::Pause{8, 6s}},
                   {30s, action::Heal{}}});
}

TEST(ScheduleRunner, AMixedScheduleKeepsEveryInvariant) {
  const ScheduleOutcome o = run_schedule(mixed(5));
  const ScenarioResult& r = o.figures;
  EXPECT_TRUE(r.get<bool>("formed"));
  EXPECT_EQ(r.get<std::int64_t>("crashes"), 1);
  EXPECT_EQ(r.get<std::int64_t>("restarts_kept_memory"), 1);
  EXPECT_EQ(r.get<std::int64_t>("pauses"), 1);
  EXPECT_GT(r.get<std::int64_t>("writes_done"), 300);
  EXPECT_GT(r.get<std::int64_t>("acknowledged_writes_checked"), 20);
  EXPECT_EQ(r.get<double>("quiet_began_s"), 40.0);  // when the write load ends
  EXPECT_TRUE(o.held()) << o.violations.summary();
  ASSERT_TRUE(o.converged_after_quiet.has_value());
  EXPECT_GE(*o.converged_after_quiet, *o.membership_converged_after_quiet);
  EXPECT_TRUE(r.get<bool>("invariants_held"));
  EXPECT_GT(r.get<std::int64_t>("datagrams_lost"), 0);  // the member loss did bite
}

TEST(ScheduleRunner, RestartsWithoutMemoryMidWritesLeaveNoOldKey) {
  // Two members restarted at incarnation 0 with empty stores while every member writes (a third
  // of the writes deletes, a quarter remote): once quiet, every replica equals its owner's new
  // life and no key of an old life survives anywhere. Before store epochs climbed above a
  // previous life's, replicas kept the old keys (docs/schedules.md).
  const ScheduleOutcome o =
      run_schedule(schedule(8, 11,
                            {{0s, action::Writes{30, 40s, 0.25, 0.3}},
                             {10s, action::Restart{3, RestartMemory::none}},
                             {20s, action::Restart{6, RestartMemory::none}},
                             {25s, action::Restart{3, RestartMemory::none}}}));
  const ScenarioResult& r = o.figures;
  EXPECT_EQ(r.get<std::int64_t>("restarts_no_memory"), 3);
  EXPECT_GT(r.get<std::int64_t>("writes_done"), 500);
  EXPECT_EQ(r.get<std::int64_t>("replicas_mismatched"), 0);
  EXPECT_EQ(r.get<std::int64_t>("stale_replica_keys"), 0);
  EXPECT_EQ(r.get<std::int64_t>("acknowledged_writes_lost"), 0);
  EXPECT_EQ(r.get<std::int64_t>("deleted_keys_resurrected"), 0);
  EXPECT_TRUE(o.held()) << o.violations.summary();
}

TEST(ScheduleRunner, SameScheduleSameFiguresOtherSeedOtherRun) {
  const ScheduleOutcome a = run_schedule(mixed(6));
  const ScheduleOutcome b = run_schedule(mixed(6));
  const ScheduleOutcome c = run_schedule(mixed(7));
  EXPECT_EQ(a.figures.figures(), b.figures.figures());
  EXPECT_NE(a.figures.get<std::int64_t>("bytes_sent"), c.figures.get<std::int64_t>("bytes_sent"));
  // The file form replays the same run.
  const ScheduleOutcome d = run_schedule(parse_schedule(to_json(mixed(6))));
  EXPECT_EQ(a.figures.figures(), d.figures.figures());
}

TEST(ScheduleRunner, TheQuietPeriodHealsWhatTheScheduleLeftBroken) {
  // Never healed by the schedule: a split, an isolation, total loss on one member.
  const ScheduleOutcome o = run_schedule(schedule(8, 8,
                                                  {{0s, action::Partition{{{0, 1, 2}}}},
                                                   {1s, action::Isolate{5, Direction::inbound}},
                                                   {2s, action::MemberLoss{6, 1.0}},
                                                   {3s, action::Loss{0.4}},
                                                   {30s, action::Writes{5, 5s, 0, 0}}}));
  EXPECT_TRUE(o.held()) << o.violations.summary();
  EXPECT_GT(o.figures.get<std::int64_t>("dead_declarations"), 0);  // the faults did bite
}

TEST(ScheduleRunner, DeathsAreAttributedToWhatCausedThem) {
  // Member 2 is paused for longer than the suspicion timeout and member 4 crashes: every live
  // member declares both dead, and neither death is a false one.
  const ScheduleOutcome earned =
      run_schedule(schedule(6, 9, {{0s, action::Pause{2, 20s}}, {0s, action::Crash{4}}}));
  EXPECT_GE(earned.figures.get<std::int64_t>("dead_declarations"), 8);
  EXPECT_EQ(earned.figures.get<std::int64_t>("never_crashed_or_paused_declared_dead"), 0);
  EXPECT_EQ(earned.figures.get<std::int64_t>("untouched_declared_dead"), 0);
  EXPECT_TRUE(earned.held()) << earned.violations.summary();

  // A member cut off is declared dead although it never crashed; the cut explains it.
  const ScheduleOutcome cut = run_schedule(
      schedule(6, 9, {{0s, action::Isolate{3, Direction::both}}, {20s, action::Heal{}}}));
  EXPECT_GE(cut.figures.get<std::int64_t>("never_crashed_or_paused_declared_dead"), 1);
  EXPECT_TRUE(cut.held()) << cut.violations.summary();

  // A crash and a pause of a crashed member: the second has nothing to act on.
  const ScheduleOutcome down = run_schedule(
      schedule(5, 9, {{0s, action::Crash{1}}, {1s, action::Pause{1, 5s}}, {2s, action::Crash{1}}}));
  EXPECT_EQ(down.figures.get<std::int64_t>("crashes"), 1);
  EXPECT_EQ(down.figures.get<std::int64_t>("pauses"), 0);
  EXPECT_EQ(down.figures.get<std::int64_t>("actions_without_effect"), 2);
  EXPECT_TRUE(down.held()) << down.violations.summary();
}

TEST(ScheduleRunner, AMemberWhoseSeedsAllCrashedIsAClusterOfOne) {
  // Found by the property test: member 0 restarts and its seeds (1 and 2) crash at once. It
  // cannot join anybody, and alone it sees exactly the live members: that is convergence.
  const ScheduleOutcome o = run_schedule(schedule(3, 76700746,
                                                  {{0s, action::Restart{0, RestartMemory::kept}},
                                                   {0s, action::Crash{2}},
                                                   {0s, action::Crash{1}}}));
  EXPECT_TRUE(o.held()) << o.violations.summary();
}

TEST(ScheduleRunner, RefusesAnInvalidSchedule) {
  EXPECT_THROW((void)run_schedule(schedule(3, 1, {{0s, action::Crash{3}}})), std::invalid_argument);
  FaultSchedule s = schedule(3, 1, {});
  s.timings.probe_period = 0s;
  EXPECT_THROW((void)run_schedule(s), std::invalid_argument);
}

// --- The checks, on clusters caught where they must flag something ---------------------------

ScenarioOptions formed_options(std::size_t nodes, std::uint64_t seed) {
  std::cout << "[ seed     ] nodes=" << nodes << " seed=" << seed << "\n";
  ScenarioOptions o;
  o.nodes = nodes;
  o.seed = seed;
  return o;
}

void form(SimCluster& c, std::size_t nodes) {
  c.form(join_spread(nodes));
  ASSERT_TRUE(c.run_until([&] { return c.converged(); }, c.sim().now() + 60s).has_value());
}

TEST(ClusterInvariants, MembershipViewsCountEveryWrongPair) {
  SimCluster c(formed_options(6, 11));
  form(c, 6);
  EXPECT_EQ(membership_views_wrong(c), 0);
  EXPECT_TRUE(membership_views_right(c));
  c.crash(4);  // nobody has noticed yet: 5 live viewers still see it alive
  EXPECT_EQ(membership_views_wrong(c), 5);
  EXPECT_FALSE(membership_views_right(c));
  ASSERT_TRUE(
      c.run_until([&] { return membership_views_right(c); }, c.sim().now() + 60s).has_value());
  EXPECT_EQ(membership_views_wrong(c), 0);
}

TEST(ClusterInvariants, StaleKeysAndMismatchedReplicasAreCounted) {
  SimCluster c(formed_options(6, 12));
  form(c, 6);
  WriteLedger ledger;
  // Two keys written and spread, then member 5 is cut off and the owner deletes one of them.
  const MemberId owner = c.id(2);
  std::uint64_t deleted_version = 0;
  c.sim().after(0s, [&] {
    c.node(2).put(owner, "a", "1", 0, c.sim().now(), {});
    c.node(2).put(owner, "b", "2", 0, c.sim().now(), {});
  });
  ASSERT_TRUE(
      c.run_until([&] { return replicas_equal(c); }, c.sim().now() + 30s, 100ms).has_value());
  c.sim().network().isolate(5);
  c.sim().after(0s, [&] {
    const auto version = c.node(2).own_store().find("a")->version;
    c.node(2).erase(owner, "a", version, c.sim().now(), [&](const WriteResult& r) {
      ledger.settle(2, c.sim().generation(2), c.sim().generation(2), "a", r);
      deleted_version = r.item.version;
    });
  });
  c.sim().run_for(5s);
  ASSERT_GT(deleted_version, 0u);
  // Member 5 still holds "a": one stale key, one mismatched pair, one deleted key still live.
  EXPECT_EQ(stale_replica_keys(c), 1);
  EXPECT_EQ(c.replicas_mismatched(), 1);
  EXPECT_FALSE(replicas_equal(c));
  EXPECT_EQ(ledger.resurrected(c), 1);
  EXPECT_EQ(ledger.lost(c), 0);
  c.sim().network().reconnect(5);
  ASSERT_TRUE(
      c.run_until([&] { return replicas_equal(c); }, c.sim().now() + 60s, 100ms).has_value());
  EXPECT_EQ(stale_replica_keys(c), 0);
  EXPECT_EQ(ledger.resurrected(c), 0);
}

TEST(WriteLedger, KeepsOnlyPromisesOfTheOwnersCurrentLife) {
  SimCluster c(formed_options(4, 13));
  form(c, 4);
  WriteLedger ledger;
  const std::uint32_t life = c.sim().generation(1);
  WriteResult done;
  done.status = WriteStatus::done;
  done.item = Item{"v", 99, false};  // a version member 1's store never reached
  ledger.settle(1, life, life, "k", done);
  EXPECT_EQ(ledger.lost(c), 1);  // acknowledged, and not there

  WriteResult conflict = done;
  conflict.status = WriteStatus::conflict;
  WriteResult failed = done;
  failed.status = WriteStatus::failed;
  ledger.settle(2, life, life, "k", conflict);
  ledger.settle(2, life, life, "k", failed);
  ledger.settle(3, life, life + 1, "k", done);  // owner restarted before the answer
  EXPECT_EQ(ledger.lost(c), 1);
  EXPECT_EQ(ledger.promises(), 1);
  EXPECT_EQ(ledger.done(), 2);
  EXPECT_EQ(ledger.conflicts(), 1);
  EXPECT_EQ(ledger.failed(), 1);

  // The life that made the promise ends: its store is gone by design, so is the promise.
  c.restart(1, RestartMemory::kept);
  EXPECT_EQ(ledger.lost(c), 0);
}

}  // namespace
}  // namespace convoy::sim
