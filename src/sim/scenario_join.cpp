// Scenario "join": every member joins through the seeds (spread over 2 ms × N); how long until
// every member sees all N alive. A healthy join declares nobody dead.
#include "sim/scenario_runs.hpp"

namespace convoy::sim {

ScenarioResult run_join(const ScenarioOptions& o) {
  const core::Duration limit = o.duration.value_or(std::chrono::seconds(300));
  SimCluster cluster(o);
  std::int64_t dead_events = 0;
  cluster.on_event = [&](const ObservedEvent& e) {
    if (e.event.kind == convoy::Event::Kind::member_dead) ++dead_events;
  };
  const core::Duration spread = join_spread(o.nodes);
  cluster.form(spread);
  auto done =
      cluster.run_until([&] { return cluster.converged(); }, cluster.sim().now() + spread + limit);

  ScenarioResult r;
  add_header(r, o);
  r.add("join_window_s", seconds(spread));
  r.add("converged", done.has_value());
  r.add("converged_at_s", done ? seconds(done->time_since_epoch()) : -1.0);
  r.add("after_last_join_s", done ? seconds(done->time_since_epoch() - spread) : -1.0);
  std::int64_t min_alive = -1;
  for (Slot s = 0; s < cluster.sim().size(); ++s) {
    auto a = static_cast<std::int64_t>(cluster.node(s).count(MemberStatus::alive));
    min_alive = min_alive < 0 ? a : std::min(min_alive, a);
  }
  r.add("min_alive_seen", min_alive);
  r.add("dead_declarations", dead_events);
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
