// Scenario "crash": a formed cluster loses one member (crashed, not left). Every live member
// must declare it dead; nobody else may be declared dead. Reports the first and last detection.
#include "sim/scenario_runs.hpp"

#include <set>

namespace convoy::sim {

ScenarioResult run_crash(const ScenarioOptions& o) {
  const core::Duration limit = o.duration.value_or(std::chrono::seconds(120));
  SimCluster cluster(o);
  Slot victim = 0;
  bool crashed = false;
  std::vector<std::optional<core::TimePoint>> detected(o.nodes);
  std::int64_t false_positives = 0;
  std::set<MemberId> falsely_dead;
  std::optional<core::TimePoint> first_suspicion;
  cluster.on_event = [&](const ObservedEvent& e) {
    if (crashed && e.event.kind == convoy::Event::Kind::member_suspect &&
        e.event.member == cluster.id(victim) && !first_suspicion)
      first_suspicion = e.at;
    if (e.event.kind != convoy::Event::Kind::member_dead) return;
    if (crashed && e.event.member == cluster.id(victim)) {
      if (!detected[e.slot]) detected[e.slot] = e.at;
    } else {
      ++false_positives;
      falsely_dead.insert(e.event.member);
    }
  };
  const core::Duration spread = join_spread(o.nodes);
  cluster.form(spread);
  auto formed = cluster.run_until([&] { return cluster.converged(); },
                                  cluster.sim().now() + spread + std::chrono::seconds(300));

  victim = static_cast<Slot>(1 + cluster.sim().scenario_rng().below(o.nodes - 1));
  const core::TimePoint crash_at = cluster.sim().now();
  cluster.crash(victim);
  crashed = true;
  auto all_detected = [&] {
    for (Slot s = 0; s < o.nodes; ++s)
      if (s != victim && !detected[s]) return false;
    return true;
  };
  cluster.run_until(all_detected, crash_at + limit);

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("crash_at_s", seconds(crash_at.time_since_epoch()));
  r.add("victim", cluster.id(victim).to_string());
  std::int64_t count = 0;
  core::Duration first = core::Duration::max(), last = core::Duration::zero();
  for (Slot s = 0; s < o.nodes; ++s) {
    if (s == victim || !detected[s]) continue;
    ++count;
    first = std::min(first, *detected[s] - crash_at);
    last = std::max(last, *detected[s] - crash_at);
  }
  r.add("live_members", static_cast<std::int64_t>(o.nodes - 1));
  r.add("detected_by", count);
  r.add("all_detected", count == static_cast<std::int64_t>(o.nodes - 1));
  // Detection is first suspicion (a probe of the victim failed) plus the suspicion timeout.
  r.add("first_suspicion_s", first_suspicion ? seconds(*first_suspicion - crash_at) : -1.0);
  r.add("first_detection_s", count ? seconds(first) : -1.0);
  r.add("last_detection_s", count ? seconds(last) : -1.0);
  r.add("false_positives", false_positives);
  r.add("live_members_declared_dead", static_cast<std::int64_t>(falsely_dead.size()));
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
