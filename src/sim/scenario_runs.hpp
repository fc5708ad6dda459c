// The scenario entry points behind run_scenario(), one per scenario_<name>.cpp, plus the few
// helpers they share for reporting.
#pragma once

#include "sim/scenario.hpp"
#include "sim/sim_cluster.hpp"

#include <cmath>
#include <optional>

namespace convoy::sim {

ScenarioResult run_join(const ScenarioOptions& options);
ScenarioResult run_crash(const ScenarioOptions& options);
ScenarioResult run_loss(const ScenarioOptions& options);
ScenarioResult run_partition(const ScenarioOptions& options);
ScenarioResult run_update(const ScenarioOptions& options);
ScenarioResult run_churn(const ScenarioOptions& options);
ScenarioResult run_steady(const ScenarioOptions& options);

/// Seconds with millisecond resolution, so printed figures stay short and exact.
inline double seconds(core::Duration d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) /
         1000.0;
}

/// How long joins are spread: 2 ms per member (10,000 members join over 20 s).
inline core::Duration join_spread(std::size_t nodes) {
  return std::chrono::milliseconds(2) * static_cast<std::int64_t>(nodes);
}

/// Forms the cluster (joins spread over join_spread), waits until every member sees every
/// member alive, then until the join's rumours have died down (each at most 300 s). Returns
/// when the cluster converged, if it did.
std::optional<core::TimePoint> form_and_settle(SimCluster& cluster, const ScenarioOptions& o);

/// The figures every scenario reports first: what ran, with which parameters.
void add_header(ScenarioResult& r, const ScenarioOptions& o);
/// Traffic and protocol totals every scenario reports last.
void add_totals(ScenarioResult& r, const SimCluster& cluster);

}  // namespace convoy::sim
