// Simulator tests of member stores and the directory: writes into other members' stores
// (done, conflict, failure), directory queries, subscriptions, large values, tombstone
// collection with a lagging member, eviction and fail, and the update and churn scenarios.
// Each test prints its seed.
#include "sim/addressing.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_runs.hpp"
#include "sim/sim_cluster.hpp"

#include <gtest/gtest.h>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

ScenarioOptions options(const char* scenario, std::size_t nodes, std::uint64_t seed) {
  ScenarioOptions o;
  o.scenario = scenario;
  o.nodes = nodes;
  o.seed = seed;
  std::cout << "[ seed     ] " << scenario << " nodes=" << nodes << " seed=" << seed << "\n";
  return o;
}

void form(SimCluster& c, std::size_t nodes) {
  c.form(join_spread(nodes));
  ASSERT_TRUE(c.run_until([&] { return c.converged(); }, c.sim().now() + 120s).has_value());
}

/// Issues a write from `from` inside the simulation and runs until it completes.
WriteResult write(SimCluster& c, Slot from, const MemberId& owner, const std::string& key,
                  const std::string& value, std::uint64_t expected, bool erase = false) {
  std::optional<WriteResult> result;
  c.sim().after(0s, [&] {
    auto done = [&](const WriteResult& r) { result = r; };
    if (erase)
      c.node(from).erase(owner, key, expected, c.sim().now(), done);
    else
      c.node(from).put(owner, key, value, expected, c.sim().now(), done);
  });
  c.run_until([&] { return result.has_value(); }, c.sim().now() + 30s, 1ms);
  EXPECT_TRUE(result.has_value()) << "write never completed";
  return result.value_or(WriteResult{});
}

/// Runs until every live member sees `owner`'s `key` at `version` (or, for 0, absent).
bool everywhere(SimCluster& c, Slot owner, const std::string& key, std::uint64_t version,
                core::Duration limit = 30s) {
  return c
      .run_until(
          [&] {
            for (Slot s = 0; s < c.size(); ++s) {
              if (!c.sim().is_up(s)) continue;
              auto v = c.node(s).directory().value(c.id(owner), key);
              if (version == 0 ? v.has_value() : (!v || v->version != version)) return false;
            }
            return true;
          },
          c.sim().now() + limit, 10ms)
      .has_value();
}

TEST(RemoteWrite, CompareAndSetFromANonOwnerSucceedsConflictsAndFailsClearly) {
  SimCluster c(options("remote-write", 12, 21));
  form(c, 12);
  const MemberId owner = c.id(3);

  WriteResult first = write(c, 7, owner, "role", "db", 0);
  ASSERT_EQ(first.status, WriteStatus::done) << first.error;
  EXPECT_EQ(first.item.value, "db");
  EXPECT_EQ(c.node(3).own_store().find("role")->value, "db");  // applied by the owner
  EXPECT_TRUE(everywhere(c, 3, "role", first.item.version));   // and spread by it

  WriteResult stale = write(c, 9, owner, "role", "cache", 0);  // expects "absent"
  EXPECT_EQ(stale.status, WriteStatus::conflict);
  EXPECT_EQ(stale.item.value, "db");
  EXPECT_EQ(stale.item.version, first.item.version);

  WriteResult second = write(c, 9, owner, "role", "cache", first.item.version);
  EXPECT_EQ(second.status, WriteStatus::done);
  EXPECT_GT(second.item.version, first.item.version);

  WriteResult reserved = write(c, 9, owner, "convoy.address", "x", 0);
  EXPECT_EQ(reserved.status, WriteStatus::failed);
  EXPECT_NE(reserved.error.find("convoy."), std::string::npos) << reserved.error;

  WriteResult unknown = write(c, 9, MemberId{1, 999}, "k", "v", 0);
  EXPECT_EQ(unknown.status, WriteStatus::failed);
  EXPECT_NE(unknown.error.find("unknown"), std::string::npos) << unknown.error;

  // Dead owner: while nobody has noticed yet, the write times out with an unknown outcome (the
  // owner might have applied it and only its answer been lost); once the owner is declared
  // dead, the write fails at once.
  c.crash(3);
  WriteResult silent = write(c, 9, owner, "role", "x", second.item.version);
  EXPECT_EQ(silent.status, WriteStatus::unknown);
  EXPECT_NE(silent.error.find("did not answer"), std::string::npos) << silent.error;
  EXPECT_NE(silent.error.find("may or may not"), std::string::npos) << silent.error;
  c.run_until([&] { return c.node(9).member(owner)->status == MemberStatus::dead; },
              c.sim().now() + 60s);
  WriteResult dead = write(c, 9, owner, "role", "x", second.item.version);
  EXPECT_EQ(dead.status, WriteStatus::failed);
  EXPECT_NE(dead.error.find("dead"), std::string::npos) << dead.error;
}

TEST(Directory, QueriesSeeActiveMembersOnly) {
  SimCluster c(options("directory", 8, 22));
  form(c, 8);
  for (Slot s : {1u, 2u, 5u}) {
    WriteResult r = write(c, s, c.id(s), "svc.http", s == 5 ? "8080" : "80", 0);
    ASSERT_EQ(r.status, WriteStatus::done);
    ASSERT_TRUE(everywhere(c, s, "svc.http", r.item.version));
  }
  const core::Engine& viewer = c.node(0);
  EXPECT_EQ(viewer.directory().all().size(), 8u);
  EXPECT_EQ(viewer.directory().find_by_key("svc.http").size(), 3u);
  EXPECT_EQ(viewer.directory().find_by_value("80").size(), 2u);
  EXPECT_EQ(viewer.directory().value(c.id(5), "svc.http")->value, "8080");
  auto found =
      viewer.directory().search([](const MemberId&, std::string_view key, std::string_view value) {
        return key.starts_with("svc.") && value.size() == 4;
      });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].member, c.id(5));

  c.crash(5);
  c.run_until([&] { return c.node(0).member(c.id(5))->status == MemberStatus::dead; },
              c.sim().now() + 60s);
  EXPECT_EQ(viewer.directory().find_by_key("svc.http").size(),
            2u);  // dead member's data left the view
  EXPECT_FALSE(viewer.directory().value(c.id(5), "svc.http").has_value());
  EXPECT_EQ(viewer.directory().all().size(), 7u);
}

TEST(Subscriptions, MemberAndKeyEventsWithPrefixFilter) {
  SimCluster c(options("subscriptions", 6, 23));
  form(c, 6);
  auto all = c.node(0).subscribe({});
  convoy::EventFilter svc;
  svc.members = false;
  svc.key_prefix = "svc.";
  auto only_svc = c.node(0).subscribe(svc);

  WriteResult a = write(c, 2, c.id(2), "svc.port", "80", 0);
  WriteResult b = write(c, 2, c.id(2), "other", "x", 0);
  ASSERT_TRUE(everywhere(c, 2, "other", b.item.version));
  WriteResult d = write(c, 2, c.id(2), "svc.port", "", a.item.version, /*erase=*/true);
  ASSERT_EQ(d.status, WriteStatus::done);
  ASSERT_TRUE(everywhere(c, 2, "svc.port", 0));
  c.crash(4);
  c.run_until([&] { return c.node(0).member(c.id(4))->status == MemberStatus::dead; },
              c.sim().now() + 60s);

  std::vector<convoy::Event> got;
  while (auto e = only_svc->poll()) got.push_back(*e);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, convoy::Event::Kind::key_set);
  EXPECT_EQ(got[0].value, "80");
  EXPECT_EQ(got[1].kind, convoy::Event::Kind::key_deleted);
  bool saw_dead = false, saw_other = false;
  while (auto e = all->poll()) {
    saw_dead |= e->kind == convoy::Event::Kind::member_dead && e->member == c.id(4);
    saw_other |= e->kind == convoy::Event::Kind::key_set && e->key == "other";
  }
  EXPECT_TRUE(saw_dead);
  EXPECT_TRUE(saw_other);
}

TEST(Stores, AJoiningMemberGetsEveryStoreWithTheJoinResponse) {
  SimCluster c(options("join-state", 15, 31));
  form(c, 15);
  for (Slot s = 0; s < 15; ++s)
    ASSERT_EQ(write(c, s, c.id(s), "name", "n" + std::to_string(s), 0).status, WriteStatus::done);
  ASSERT_TRUE(c.run_until([&] { return c.quiet(); }, c.sim().now() + 60s).has_value());
  NodeSetup setup;
  setup.id = MemberId{99, 99};
  setup.seeds = {node_address(0)};
  Slot late = c.sim().add_node(node_factory(setup, {}));
  core::Engine& n = c.sim().process_as<NodeProcess>(late)->node();
  ASSERT_TRUE(c.run_until([&] { return n.joined(); }, c.sim().now() + 10s, 1ms).has_value());
  // The moment it has joined — before any rumour or anti-entropy round — it holds every store.
  for (Slot s = 0; s < 15; ++s) {
    auto v = n.directory().value(c.id(s), "name");
    ASSERT_TRUE(v.has_value()) << s;
    EXPECT_EQ(v->value, "n" + std::to_string(s));
  }
  EXPECT_EQ(n.stats().store_digests_sent, 0u);
}

TEST(Stores, AValueTooLargeForADatagramTravelsByStream) {
  SimCluster c(options("large-value", 10, 24));
  form(c, 10);
  const std::string big(20'000, 'x');
  WriteResult r = write(c, 1, c.id(1), "blob", big, 0);
  ASSERT_EQ(r.status, WriteStatus::done);
  EXPECT_TRUE(everywhere(c, 1, "blob", r.item.version));
  EXPECT_EQ(c.node(7).directory().value(c.id(1), "blob")->value, big);
  WriteResult too_big = write(c, 1, c.id(1), "huge", std::string(70'000, 'y'), 0);
  EXPECT_EQ(too_big.status, WriteStatus::failed);
  EXPECT_NE(too_big.error.find("65536"), std::string::npos) << too_big.error;
}

TEST(Stores, AMemberThatMissedACollectedDeletionIsResyncedNotResurrected) {
  ScenarioOptions o = options("tombstone-gc", 10, 25);
  o.config.store.tombstone_grace = 5s;
  SimCluster c(o);
  form(c, 10);
  WriteResult put = write(c, 2, c.id(2), "gone", "soon", 0);
  ASSERT_TRUE(everywhere(c, 2, "gone", put.item.version));
  // Member 6 is cut off while the key is deleted and every tombstone is collected.
  c.sim().network().isolate(6);
  WriteResult del = write(c, 2, c.id(2), "gone", "", put.item.version, true);
  ASSERT_EQ(del.status, WriteStatus::done);
  c.sim().run_for(20s);
  EXPECT_EQ(c.node(2).own_store().find("gone"), nullptr) << "the owner should have collected it";
  EXPECT_GT(c.node(2).own_store().gc_version(), put.item.version);
  const auto* stale = c.node(6).replica(c.id(2))->find("gone");
  ASSERT_NE(stale, nullptr);
  ASSERT_FALSE(stale->deleted)
      << "member 6 must have missed the deletion for this test to mean anything";
  c.sim().network().reconnect(6);
  ASSERT_TRUE(c.run_until([&] { return c.converged(); }, c.sim().now() + 120s).has_value());
  c.sim().run_for(20s);
  EXPECT_FALSE(c.node(6).directory().value(c.id(2), "gone").has_value());
  for (Slot s = 0; s < 10; ++s)
    EXPECT_FALSE(c.node(s).directory().value(c.id(2), "gone").has_value()) << s;
}

TEST(Admin, EvictedMemberStopsAndNeverComesBack) {
  SimCluster c(options("evict", 10, 26));
  form(c, 10);
  c.sim().after(0s, [&] { c.node(0).evict(c.id(4), c.sim().now()); });
  c.run_until([&] { return c.node(4).evicted(); }, c.sim().now() + 30s);
  EXPECT_TRUE(c.node(4).evicted());
  c.sim().run_for(30s);
  for (Slot s = 0; s < 10; ++s) {
    if (s == 4) continue;
    EXPECT_EQ(c.node(s).member(c.id(4))->status, MemberStatus::evicted) << s;
  }
}

TEST(Admin, FailedMemberComesBackWithAHigherIncarnation) {
  SimCluster c(options("fail", 10, 27));
  form(c, 10);
  const std::uint64_t before = c.node(5).incarnation();
  c.sim().after(0s, [&] { c.node(0).fail(c.id(5), c.sim().now()); });
  c.sim().run_for(1s);
  auto back = c.run_until([&] { return c.converged(); }, c.sim().now() + 60s);
  ASSERT_TRUE(back.has_value());
  EXPECT_GT(c.node(5).incarnation(), before);
}

// --- The scenarios ----------------------------------------------------------------------------

TEST(UpdateScenario, ReachesEveryoneWithinTargetAndSubscribersDoNotMatter) {
  ScenarioOptions o = options("update", 200, 28);
  o.trials = 10;
  ScenarioResult plain = run_scenario(o);
  EXPECT_EQ(plain.get<std::int64_t>("never_delivered"), 0);
  EXPECT_EQ(plain.get<std::int64_t>("delivered_everywhere"), 10);
  EXPECT_LE(plain.get<double>("max_s"), plain.get<double>("target_s"));

  o.stalled_subscribers = true;
  o.trials = 20;  // > the stalled queues' capacity (16): they overflow
  ScenarioResult plain20 = run_scenario([&] {
    ScenarioOptions p = o;
    p.stalled_subscribers = false;
    return p;
  }());
  ScenarioResult stalled = run_scenario(o);
  EXPECT_GT(stalled.get<std::int64_t>("subscriber_events_dropped"), 0);
  for (const auto& [name, value] : plain20.figures()) {
    if (name == "stalled_subscribers" || name == "subscriber_events_dropped") continue;
    EXPECT_EQ(value, stalled.at(name)) << name;
  }
}

TEST(UpdateScenario, TenPercentLossStillDeliversEveryUpdate) {
  ScenarioOptions o = options("update", 100, 29);
  o.trials = 10;
  o.loss = 0.1;
  ScenarioResult r = run_scenario(o);
  EXPECT_EQ(r.get<std::int64_t>("never_delivered"), 0);
  EXPECT_GT(r.get<std::int64_t>("datagrams_lost"), 0);
}

TEST(ChurnScenario, DirectoriesEqualOwnersAfterChurn) {
  ScenarioOptions o = options("churn", 60, 30);
  o.duration = 60s;
  ScenarioResult r = run_scenario(o);
  EXPECT_TRUE(r.get<bool>("converged"));
  EXPECT_GT(r.get<std::int64_t>("writes_done"), 100);
  EXPECT_GT(r.get<std::int64_t>("crashes"), 0);
  EXPECT_GT(r.get<std::int64_t>("restarts"), 0);
  EXPECT_GT(r.get<std::int64_t>("restarts_without_memory"), 0);  // incarnation 0, empty store
  EXPECT_EQ(r.get<std::int64_t>("replicas_mismatched"), 0);
  EXPECT_EQ(r.get<std::int64_t>("acknowledged_writes_lost"), 0);
  EXPECT_EQ(r.get<std::int64_t>("deleted_keys_resurrected"), 0);
  EXPECT_GT(r.get<std::int64_t>("forced_conflicts"), 0);
  EXPECT_EQ(r.get<std::int64_t>("conflicts_lost"), 0);
}

}  // namespace
}  // namespace convoy::sim
