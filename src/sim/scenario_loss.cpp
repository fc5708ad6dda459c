// Scenario "loss": a formed cluster runs for `duration` with independent datagram loss on every
// link. Nobody crashes, so every death declared is a false positive; the figure to watch is
// live_members_declared_dead (the target is zero at 10 % loss).
#include "sim/scenario_runs.hpp"

#include <set>

namespace convoy::sim {

ScenarioResult run_loss(const ScenarioOptions& o) {
  const core::Duration duration = o.duration.value_or(std::chrono::seconds(600));
  SimCluster cluster(o);
  std::int64_t dead_events = 0;
  std::set<MemberId> declared_dead;
  cluster.on_event = [&](const ObservedEvent& e) {
    if (e.event.kind != core::Event::Kind::member_dead) return;
    ++dead_events;
    declared_dead.insert(e.event.id);
  };
  const core::Duration spread = join_spread(o.nodes);
  cluster.form(spread);
  auto formed = cluster.run_until([&] { return cluster.converged(); },
                                  cluster.sim().now() + spread + std::chrono::seconds(300));

  const core::NodeStats before = cluster.total_stats();
  cluster.sim().network().set_loss(o.loss);
  const core::TimePoint loss_start = cluster.sim().now();
  cluster.sim().run_for(duration);
  const bool converged_at_end = cluster.converged();
  const core::NodeStats during = cluster.total_stats();
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
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
