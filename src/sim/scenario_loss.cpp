// Scenario "loss": a formed cluster runs for `duration` with independent datagram loss on every
// link. Nobody crashes, so every death declared is a false positive; the figure to watch is
// live_members_declared_dead (the target is zero at 10 % loss). Members write into
// their stores all along; once the loss ends every replica must equal its owner's store.
#include "sim/scenario_runs.hpp"

#include <set>

namespace convoy::sim {

ScenarioResult run_loss(const ScenarioOptions& o) {
  const core::Duration duration = o.duration.value_or(std::chrono::seconds(600));
  SimCluster cluster(o);
  std::int64_t dead_events = 0;
  std::set<MemberId> declared_dead;
  cluster.on_event = [&](const ObservedEvent& e) {
    if (e.event.kind != convoy::Event::Kind::member_dead) return;
    ++dead_events;
    declared_dead.insert(e.event.member);
  };
  const core::Duration spread = join_spread(o.nodes);
  cluster.form(spread);
  auto formed = cluster.run_until([&] { return cluster.converged(); },
                                  cluster.sim().now() + spread + std::chrono::seconds(300));

  const core::EngineStats before = cluster.total_stats();
  cluster.sim().network().set_loss(o.loss);
  const core::TimePoint loss_start = cluster.sim().now();
  // Members write into their stores throughout: one write every 100 ms somewhere.
  Random& rng = cluster.sim().scenario_rng();
  std::int64_t writes = 0;
  for (core::Duration t{}; t < duration; t += std::chrono::milliseconds(100)) {
    cluster.sim().run_for(std::chrono::milliseconds(100));
    const Slot writer = static_cast<Slot>(rng.below(o.nodes));
    cluster.write_own(writer, "l" + std::to_string(rng.below(5)),
                      std::to_string(rng.next() % 1000));
    ++writes;
  }
  const std::int64_t mismatched_at_end = cluster.replicas_mismatched();
  const bool converged_at_end = cluster.converged();
  const core::EngineStats during = cluster.total_stats();
  cluster.sim().network().set_loss(0.0);
  auto healed = cluster.run_until([&] { return cluster.converged(); },
                                  cluster.sim().now() + std::chrono::seconds(300));

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("loss_duration_s", seconds(duration));
  r.add("suspicions_during_loss",
        static_cast<std::int64_t>(during.suspicions_raised - before.suspicions_raised));
  r.add("refutations_during_loss",
        static_cast<std::int64_t>(during.refutations - before.refutations));
  r.add("dead_declarations", dead_events);
  r.add("live_members_declared_dead", static_cast<std::int64_t>(declared_dead.size()));
  r.add("converged_at_end_of_loss", converged_at_end);
  r.add("converged_after_loss_s", healed ? seconds(*healed - loss_start - duration) : -1.0);
  auto stores_equal = cluster.run_until([&] { return cluster.replicas_mismatched() == 0; },
                                        cluster.sim().now() + std::chrono::seconds(120),
                                        std::chrono::milliseconds(500));
  r.add("writes_during_loss", writes);
  r.add("replicas_behind_at_end_of_loss", mismatched_at_end);
  r.add("stores_equal", stores_equal.has_value());
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
