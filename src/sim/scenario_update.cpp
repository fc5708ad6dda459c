// Scenario "update": in a formed, settled cluster (nothing left to gossip), one random member
// writes one key, and we measure how long until every live member's directory shows it — the
// time to reach *every* member, in a quiet cluster; repeated `trials` times, each once the
// previous rumour has died down. Reports the median, the 90th and 99th percentiles only where
// the sample supports them (at least 10 and 100 trials), the maximum, and how many updates never
// reached everyone within the time limit (polled every simulated millisecond), and the bytes an
// update costs beyond the cluster's idle traffic.
// With --stalled-subscribers every member also carries a subscription nobody reads, which must
// not change any figure (subscriptions cannot slow the protocol).
#include "sim/scenario_runs.hpp"

#include <algorithm>

namespace convoy::sim {

ScenarioResult run_update(const ScenarioOptions& o) {
  const core::Duration limit = o.duration.value_or(std::chrono::seconds(60));
  SimCluster cluster(o);
  auto formed = form_and_settle(cluster, o);
  std::vector<std::shared_ptr<core::Subscription>> stalled;
  if (o.stalled_subscribers)
    for (Slot s = 0; s < o.nodes; ++s) stalled.push_back(cluster.node(s).subscribe({}, 16));
  if (o.loss > 0) cluster.sim().network().set_loss(o.loss);
  auto bytes_now = [&] {
    const Counters& c = cluster.sim().counters();
    return static_cast<double>(c.datagram_bytes_sent + c.stream_bytes_sent);
  };
  // What an update costs: the bytes sent while it spreads and dies down, less what the cluster
  // sends anyway (probes, anti-entropy), measured first over a quiet window of the same
  // conditions. Deterministic for a seed, so comparable between configurations.
  const core::TimePoint idle_start = cluster.sim().now();
  const double idle_bytes_start = bytes_now();
  cluster.sim().run_until(idle_start + std::chrono::seconds(10));
  const double idle_rate = (bytes_now() - idle_bytes_start) / 10.0;
  const core::TimePoint trials_start = cluster.sim().now();
  const double trials_bytes_start = bytes_now();

  std::vector<double> times;
  std::int64_t undelivered = 0;
  std::int64_t write_failures = 0;
  for (std::size_t trial = 0; trial < o.trials; ++trial) {
    const Slot writer = static_cast<Slot>(cluster.sim().scenario_rng().below(o.nodes));
    std::string key = "trial.";  // appended: see scenario_churn.cpp on GCC 12's -Wrestrict
    key += std::to_string(trial);
    const core::TimePoint start = cluster.sim().now();
    std::uint64_t version = 0;
    cluster.sim().at(start, [&] {
      core::Engine& n = cluster.node(writer);
      std::string value = "value-";
      value += std::to_string(trial);
      n.put(n.id(), key, value, 0, cluster.sim().now(), [&](const WriteResult& r) {
        if (r.status == WriteStatus::done)
          version = r.item.version;
        else
          ++write_failures;
      });
    });
    auto everywhere = [&] {
      if (version == 0) return false;
      for (Slot s = 0; s < o.nodes; ++s) {
        auto v = cluster.node(s).directory().value(cluster.id(writer), key);
        if (!v || v->version < version) return false;
      }
      return true;
    };
    auto done = cluster.run_until(everywhere, start + limit, std::chrono::milliseconds(1));
    if (done)
      times.push_back(seconds(*done - start));
    else
      ++undelivered;
    // Each trial starts once the previous rumour has died down everywhere (under loss the
    // queues never empty, suspicions keep coming, so at most 5 s later).
    cluster.run_until([&] { return cluster.quiet(); },
                      cluster.sim().now() + std::chrono::seconds(5));
  }
  const double trial_seconds = seconds(cluster.sim().now() - trials_start);
  const double bytes_per_update =
      o.trials == 0 ? 0.0
                    : (bytes_now() - trials_bytes_start - idle_rate * trial_seconds) /
                          static_cast<double>(o.trials);
  std::sort(times.begin(), times.end());
  auto pct = [&](double p) {
    if (times.empty()) return -1.0;
    auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(times.size()))) - 1;
    return times[std::min(i, times.size() - 1)];
  };

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("trials", static_cast<std::int64_t>(o.trials));
  r.add("delivered_everywhere", static_cast<std::int64_t>(times.size()));
  r.add("never_delivered", undelivered);
  r.add("write_failures", write_failures);
  // A percentile needs enough trials beyond it to mean anything: with 50 trials the "p99" is
  // the maximum, so it is reported only from 100 trials on (and p90 from 10).
  r.add("p50_s", pct(0.50));
  if (times.size() >= 10) r.add("p90_s", pct(0.90));
  if (times.size() >= 100) r.add("p99_s", pct(0.99));
  r.add("max_s", times.empty() ? -1.0 : times.back());
  const double rounds =
      std::ceil(std::log(static_cast<double>(o.nodes)) /
                std::log(static_cast<double>(o.config.dissemination.fanout) + 1.0));
  r.add("target_s", 2.0 * rounds * seconds(o.config.dissemination.gossip_interval));
  r.add("bytes_per_update", std::round(bytes_per_update));
  r.add("idle_bytes_per_second", std::round(idle_rate));
  r.add("stalled_subscribers", o.stalled_subscribers);
  std::int64_t dropped = 0;
  for (const auto& s : stalled) dropped += static_cast<std::int64_t>(s->dropped_total());
  r.add("subscriber_events_dropped", dropped);
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
