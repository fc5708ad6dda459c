// Scenario: the registry of named scenarios and the figure list (see scenario.hpp). Each
// scenario lives in its own scenario_<name>.cpp.
#include "sim/scenario.hpp"

#include "sim/scenario_runs.hpp"
#include "sim/schedule_runner.hpp"

#include <stdexcept>

namespace convoy::sim {

const FigureValue& ScenarioResult::at(std::string_view name) const {
  for (const auto& [n, v] : figures_)
    if (n == name) return v;
  throw std::out_of_range("no figure named " + std::string(name));
}

std::vector<std::string> scenario_names() {
  return {"join", "crash", "loss", "partition", "update", "churn", "steady", "schedule"};
}

ScenarioResult run_scenario(const ScenarioOptions& options) {
  if (options.scenario == "schedule") {
    if (!options.schedule)
      throw std::invalid_argument("the schedule scenario needs a schedule (--schedule FILE.json)");
    return run_schedule(*options.schedule, options.config).figures;
  }
  if (options.nodes < 2) throw std::invalid_argument("a scenario needs at least 2 nodes");
  if (options.scenario == "join") return run_join(options);
  if (options.scenario == "crash") return run_crash(options);
  if (options.scenario == "loss") return run_loss(options);
  if (options.scenario == "partition") return run_partition(options);
  if (options.scenario == "update") return run_update(options);
  if (options.scenario == "churn") return run_churn(options);
  if (options.scenario == "steady") return run_steady(options);
  throw std::invalid_argument("unknown scenario: " + options.scenario);
}

}  // namespace convoy::sim

namespace convoy::sim {

void add_header(ScenarioResult& r, const ScenarioOptions& o) {
  r.add("scenario", o.scenario);
  r.add("nodes", static_cast<std::int64_t>(o.nodes));
  r.add("seed", static_cast<std::int64_t>(o.seed));
  r.add("factor", static_cast<std::int64_t>(o.config.dissemination.factor));
  r.add("fanout", static_cast<std::int64_t>(o.config.dissemination.fanout));
  r.add("eager_peers", static_cast<std::int64_t>(o.config.dissemination.eager_peers));
  r.add("k", static_cast<std::int64_t>(o.config.protocol.indirect_probes));
  r.add("probe_period_s", seconds(o.config.protocol.probe_interval));
  r.add("loss", o.loss);
}

std::optional<core::TimePoint> form_and_settle(SimCluster& cluster, const ScenarioOptions& o) {
  cluster.form(join_spread(o.nodes));
  auto formed =
      cluster.run_until([&] { return cluster.converged(); },
                        cluster.sim().now() + join_spread(o.nodes) + std::chrono::seconds(300));
  // Measure a settled cluster: the join's own rumours still fill every datagram for a while.
  cluster.run_until([&] { return cluster.quiet(); },
                    cluster.sim().now() + std::chrono::seconds(300));
  return formed;
}

void add_totals(ScenarioResult& r, const SimCluster& cluster) {
  const Counters& c = cluster.sim().counters();
  core::EngineStats s = cluster.total_stats();
  r.add("sim_seconds", seconds(cluster.sim().now().time_since_epoch()));
  r.add("messages_delivered",
        static_cast<std::int64_t>(c.datagrams_delivered + c.streams_delivered));
  r.add("datagrams_sent", static_cast<std::int64_t>(c.datagrams_sent));
  r.add("datagrams_lost", static_cast<std::int64_t>(c.datagrams_lost));
  r.add("stream_messages", static_cast<std::int64_t>(c.streams_sent));
  r.add("bytes_sent", static_cast<std::int64_t>(c.datagram_bytes_sent + c.stream_bytes_sent));
  r.add("suspicions", static_cast<std::int64_t>(s.suspicions_raised));
  r.add("refutations", static_cast<std::int64_t>(s.refutations));
  r.add("rejected_packets", static_cast<std::int64_t>(s.rejected_total()));
}

}  // namespace convoy::sim
