// Scenario "churn": for `duration`, members crash, restart (without their stores, as the
// simulator persists none: a new store life; half of them also without their incarnation, as a
// wiped disk would) and write at random — puts and deletes into their own stores and
// compare-and-set writes into other members' stores. Then a quiet period. Afterwards every live
// member's replica of every live owner must equal that owner's store, compared by content hash; no
// write reported done may be missing at its owner unless a later write replaced it, and no key
// whose last write was a delete may be alive anywhere, and every write sent with an impossible
// expected version must come back as a conflict, never applied.
#include "sim/scenario_runs.hpp"

#include <map>
#include <set>

namespace convoy::sim {

namespace {

struct Stats {
  std::int64_t writes = 0;
  std::int64_t done = 0;
  std::int64_t conflicts = 0;
  std::int64_t failed = 0;
  std::int64_t unknown = 0;  ///< the owner never answered in time: maybe applied, maybe not
  std::int64_t crashes = 0;
  std::int64_t restarts = 0;
  std::int64_t restarts_without_memory = 0;
  std::int64_t forced_conflicts = 0;
  std::int64_t conflicts_lost = 0;  ///< a write that had to conflict but was applied
};

}  // namespace

ScenarioResult run_churn(const ScenarioOptions& o) {
  const core::Duration duration = o.duration.value_or(std::chrono::seconds(600));
  const core::Duration quiet = std::chrono::seconds(120);
  SimCluster cluster(o);
  cluster.form(join_spread(o.nodes));
  auto formed =
      cluster.run_until([&] { return cluster.converged(); },
                        cluster.sim().now() + join_spread(o.nodes) + std::chrono::seconds(300));
  Random& rng = cluster.sim().scenario_rng();
  Stats st;
  // The last result reported done per (owner slot, owner's life, key): what the owner must hold.
  // A life is the simulator's generation of the slot: a store's epoch may rise within one life.
  std::map<std::tuple<Slot, std::uint64_t, std::string>, Item> acknowledged;

  const std::size_t max_down = std::max<std::size_t>(1, o.nodes / 10);
  const core::TimePoint end = cluster.sim().now() + duration;
  // Roughly one action per 100 ms of virtual time: 90 % writes, 10 % crash or restart.
  while (cluster.sim().now() < end) {
    cluster.sim().run_for(std::chrono::milliseconds(50 + rng.below(100)));
    const Slot actor = static_cast<Slot>(rng.below(o.nodes));
    const auto roll = rng.below(100);
    std::size_t down = o.nodes - cluster.live();
    if (roll < 5) {
      if (cluster.sim().is_up(actor) && down < max_down && actor != 0) {
        cluster.crash(actor);
        ++st.crashes;
      }
      continue;
    }
    if (roll < 10) {
      std::vector<Slot> crashed;
      for (Slot s = 0; s < o.nodes; ++s)
        if (cluster.sim().state(s) == NodeState::crashed) crashed.push_back(s);
      if (!crashed.empty()) {
        const bool wiped = rng.below(2) == 0;
        cluster.restart(crashed[rng.below(crashed.size())],
                        wiped ? RestartMemory::none : RestartMemory::kept);
        ++st.restarts;
        if (wiped) ++st.restarts_without_memory;
      }
      continue;
    }
    if (!cluster.sim().is_up(actor)) continue;
    core::Engine& writer = cluster.node(actor);
    Slot owner_slot = roll < 70 ? actor : static_cast<Slot>(rng.below(o.nodes));
    const MemberId owner = cluster.id(owner_slot);
    // Built with append: GCC 12 at -O3 raises a false -Wrestrict on "literal" + std::string.
    std::string key = "k";
    key += std::to_string(rng.below(20));
    const bool erase = rng.below(4) == 0;
    std::string value = "v";
    value += std::to_string(rng.next() % 100000);
    // Expected version: what the writer currently believes (may be stale: a conflict then).
    std::uint64_t expected = 0;
    if (auto cur = writer.directory().value(owner, key))
      expected = cur->version;
    else if (const core::StoreReplica* r = writer.replica(owner))
      if (const auto* item = r->find(key)) expected = item->version;
    // One write in ten expects a version no store can have reached: it must come back as a
    // conflict (or fail, if its owner is down), never be applied.
    const bool forced_conflict = rng.below(10) == 0;
    if (forced_conflict) {
      expected += 1'000'000'000;
      ++st.forced_conflicts;
    }
    ++st.writes;
    const std::uint32_t life_sent = cluster.sim().generation(owner_slot);
    core::WriteCallback done = [&, owner_slot, key, forced_conflict,
                                life_sent](const WriteResult& r) {
      if (forced_conflict && r.status == WriteStatus::done) ++st.conflicts_lost;
      if (r.status == WriteStatus::done) {
        ++st.done;
        if (r.item.version == 0) return;  // delete of an absent key: no write
        // Applied by a life that has ended since (restarted between apply and answer): that
        // store is gone by design.
        if (cluster.sim().generation(owner_slot) != life_sent) return;
        acknowledged[{owner_slot, life_sent, key}] = r.item;
      } else if (r.status == WriteStatus::conflict) {
        ++st.conflicts;
      } else if (r.status == WriteStatus::unknown) {
        ++st.unknown;
      } else {
        ++st.failed;
      }
    };
    if (erase)
      writer.erase(owner, key, expected, cluster.sim().now(), std::move(done));
    else
      writer.put(owner, key, value, expected, cluster.sim().now(), std::move(done));
  }
  cluster.run_until([&] { return cluster.converged(); }, cluster.sim().now() + quiet);
  cluster.sim().run_for(std::chrono::seconds(30));  // let in-flight store repairs land

  // Compare every live replica with its live owner.
  std::int64_t pairs = 0, mismatched = 0, lost = 0, resurrected = 0;
  std::uint64_t combined = 0;
  for (Slot owner = 0; owner < o.nodes; ++owner) {
    if (!cluster.sim().is_up(owner)) continue;
    const core::StoreReplica& truth = cluster.node(owner).own_store();
    combined ^= truth.content_hash() * (owner + 1);
    for (Slot viewer = 0; viewer < o.nodes; ++viewer) {
      if (!cluster.sim().is_up(viewer) || viewer == owner) continue;
      ++pairs;
      const core::StoreReplica* r = cluster.node(viewer).replica(cluster.id(owner));
      const std::uint64_t h = r ? r->content_hash() : core::StoreReplica().content_hash();
      if (h != truth.content_hash()) ++mismatched;
      // Resurrection: a key the owner holds deleted (or not at all) is alive at the viewer.
      if (r)
        r->for_each([&](const wire::StoreItem& item) {
          const auto* t = truth.find(item.key);
          if (t == nullptr || t->deleted) ++resurrected;
        });
    }
  }
  // Lost acknowledgements: a write reported done whose owner (same life) holds an older item.
  for (const auto& [k, item] : acknowledged) {
    const auto& [owner, life, key] = k;
    if (!cluster.sim().is_up(owner)) continue;
    if (cluster.sim().generation(owner) != life) continue;  // restarted since: store gone
    const core::StoreReplica& truth = cluster.node(owner).own_store();
    const auto* t = truth.find(key);
    if (t == nullptr ? item.version > truth.gc_version() : t->version < item.version) ++lost;
  }

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("churn_duration_s", seconds(duration));
  r.add("writes", st.writes);
  r.add("writes_done", st.done);
  r.add("writes_conflict", st.conflicts);
  r.add("writes_failed", st.failed);
  r.add("writes_unknown", st.unknown);
  r.add("forced_conflicts", st.forced_conflicts);
  r.add("conflicts_lost", st.conflicts_lost);
  r.add("crashes", st.crashes);
  r.add("restarts", st.restarts);
  r.add("restarts_without_memory", st.restarts_without_memory);
  r.add("converged", cluster.converged());
  r.add("replica_pairs_checked", pairs);
  r.add("replicas_mismatched", mismatched);
  r.add("acknowledged_writes_lost", lost);
  r.add("deleted_keys_resurrected", resurrected);
  r.add("stores_content_hash", std::to_string(combined));
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
