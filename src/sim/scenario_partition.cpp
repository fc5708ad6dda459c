// Scenario "partition": a formed cluster is split into two halves that cannot reach each other
// for `duration` (any length: longer than reap_after, both sides forget each other), then the
// network heals. Seeds sit on both sides. Each half should declare the other dead; after the
// heal the halves must merge by themselves. Members on both sides write into their stores during
// the split; after the heal every replica must equal its owner's store. Reports how long the
// membership and the stores took to merge.
#include "sim/scenario_runs.hpp"

namespace convoy::sim {

ScenarioResult run_partition(const ScenarioOptions& o) {
  const core::Duration duration = o.duration.value_or(std::chrono::seconds(60));
  SimCluster cluster(o);
  const core::Duration spread = join_spread(o.nodes);
  // Seeds on both sides of the coming cut, as a deployment that spreads its seeds would have.
  const Slot middle = static_cast<Slot>(o.nodes / 2);
  cluster.form(spread, middle > 1 ? std::vector<Slot>{0, 1, middle} : std::vector<Slot>{0, 1});
  auto formed = cluster.run_until([&] { return cluster.converged(); },
                                  cluster.sim().now() + spread + std::chrono::seconds(300));

  std::vector<Slot> a, b;
  for (Slot s = 0; s < o.nodes; ++s) (s < o.nodes / 2 ? a : b).push_back(s);
  std::vector<std::vector<Slot>> groups{a, b};
  cluster.sim().network().split(groups);
  const core::TimePoint split_at = cluster.sim().now();
  // Both sides keep writing while cut off: every member writes a few keys into its own store.
  Random& rng = cluster.sim().scenario_rng();
  std::int64_t writes = 0;
  for (core::Duration t{}; t < duration; t += std::chrono::milliseconds(100)) {
    cluster.sim().run_for(std::chrono::milliseconds(100));
    const Slot writer = static_cast<Slot>(rng.below(o.nodes));
    cluster.write_own(writer, "p" + std::to_string(rng.below(5)),
                      std::to_string(rng.next() % 1000));
    ++writes;
  }

  // At the heal: does each half see exactly itself alive?
  auto sees_only_own_half = [&](const std::vector<Slot>& mine, const std::vector<Slot>& other) {
    for (Slot s : mine) {
      const core::Engine& n = cluster.node(s);
      if (n.count(MemberStatus::alive) != mine.size()) return false;
      for (Slot t : other) {
        auto v = n.member(cluster.id(t));
        if (v && v->status == MemberStatus::alive) return false;
      }
    }
    return true;
  };
  const bool split_seen = sees_only_own_half(a, b) && sees_only_own_half(b, a);

  cluster.sim().network().heal();
  const core::TimePoint heal_at = cluster.sim().now();
  auto merged =
      cluster.run_until([&] { return cluster.converged(); }, heal_at + std::chrono::seconds(600));
  auto stores_merged = cluster.run_until([&] { return cluster.replicas_mismatched() == 0; },
                                         cluster.sim().now() + std::chrono::seconds(120),
                                         std::chrono::milliseconds(500));

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("partition_at_s", seconds(split_at.time_since_epoch()));
  r.add("partition_duration_s", seconds(duration));
  r.add("halves_saw_split", split_seen);
  r.add("merged", merged.has_value());
  r.add("merge_after_heal_s", merged ? seconds(*merged - heal_at) : -1.0);
  r.add("writes_during_partition", writes);
  r.add("stores_equal_after_heal_s", stores_merged ? seconds(*stores_merged - heal_at) : -1.0);
  r.add("replicas_mismatched", cluster.replicas_mismatched());
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
