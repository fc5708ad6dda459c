// DemoScenario: see demo_scenario.hpp.
#include "demo/demo_scenario.hpp"

#include "demo/cluster_queries.hpp"
#include "demo/key_watch.hpp"
#include "demo/process_usage.hpp"
#include "text/duration.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace convoy::app {
namespace {

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  return buf;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string count_text(std::size_t have, std::size_t want, const std::string& what) {
  return std::to_string(have) + "/" + std::to_string(want) + " " + what;
}

}  // namespace

DemoScenario::DemoScenario(LocalCluster& cluster, Narrator& narrator,
                           const ShutdownSignals& signals, DemoTimings timings)
    : cluster_(cluster),
      narrator_(narrator),
      signals_(signals),
      timings_(timings),
      ids_(cluster.size()),
      down_(cluster.size(), false) {
  figures_.nodes = cluster.size();
  victim_ = cluster.size() - 1;
  leaver_ = cluster.size() - 2;
}

void DemoScenario::check_signals() const {
  if (signals_.take_pending()) throw Interrupted();
}

void DemoScenario::wait_until(const std::string& what,
                              const std::function<std::optional<std::string>()>& check) {
  const auto deadline = std::chrono::steady_clock::now() + timings_.step_timeout;
  std::string missing = "not checked yet";
  for (;;) {
    check_signals();
    auto still = check();
    if (!still) return;
    missing = *still;
    narrator_.progress(missing);
    if (std::chrono::steady_clock::now() >= deadline)
      throw StepFailed(what + " did not happen within " + format_duration(timings_.step_timeout) +
                       " (" + missing + ")");
    std::this_thread::sleep_for(timings_.poll);
  }
}

std::vector<std::size_t> DemoScenario::live() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cluster_.size(); ++i)
    if (!down_[i]) out.push_back(i);
  return out;
}

void DemoScenario::form_cluster() {
  const std::size_t n = cluster_.size();
  narrator_.step("Starting " + std::to_string(n) + " agents on 127.0.0.1 (" + cluster_.name(0) +
                 " first; the others join through it)");
  cluster_.start(0);
  wait_until(cluster_.name(0) + " answering on http://" + cluster_.http(0), [&]() {
    if (!cluster_.process(0).running())
      throw StepFailed(cluster_.name(0) + " exited at start; see " +
                       cluster_.process(0).log_path());
    if (auto id = member_id(cluster_.client(0))) {
      ids_[0] = *id;
      return std::optional<std::string>();
    }
    return std::optional<std::string>("waiting for " + cluster_.name(0) + "'s API");
  });
  for (std::size_t i = 1; i < n; ++i) cluster_.start(i);
  wait_until("every agent seeing all " + std::to_string(n) + " members alive", [&]() {
    std::size_t complete = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!cluster_.process(i).running())
        throw StepFailed(cluster_.name(i) + " exited at start; see " +
                         cluster_.process(i).log_path());
      auto seen = members_seen(cluster_.client(i));
      if (!seen) continue;
      const auto alive = std::count_if(seen->begin(), seen->end(),
                                       [](const auto& m) { return m.second.status == "alive"; });
      if (static_cast<std::size_t>(alive) == n) ++complete;
    }
    if (complete == n) return std::optional<std::string>();
    return std::optional<std::string>(
        count_text(complete, n, "agents see all " + std::to_string(n) + " members alive"));
  });
  for (std::size_t i = 1; i < n; ++i) ids_[i] = member_id(cluster_.client(i)).value_or("");
  figures_.formation_s = narrator_.step_seconds();
  narrator_.done("cluster formed: every agent sees " + std::to_string(n) + " members alive");
  narrator_.say("dashboard: http://" + cluster_.http(0) + "/  (open it to watch the rest live)");
}

void DemoScenario::spread_a_key() {
  const auto agents = live();
  std::vector<std::string> addresses;
  for (auto i : agents) addresses.push_back(cluster_.http(i));
  narrator_.step("Writing a key on " + cluster_.name(0) + " and timing when each of the " +
                 std::to_string(agents.size()) + " agents' APIs delivers it");
  for (std::size_t w = 0; w < timings_.writes; ++w) {
    const std::string key = "demo/greeting";
    const std::string value = "hello #" + std::to_string(w + 1) + " from " + cluster_.name(0);
    KeyWatch watch(addresses, ids_[0], key, value);
    wait_until("event streams open on every agent", [&]() {
      if (watch.connected() == agents.size()) return std::optional<std::string>();
      return std::optional<std::string>(
          count_text(watch.connected(), agents.size(), "event streams open"));
    });
    const auto t0 = KeyWatch::Clock::now();
    const Reply put = cluster_.client(0).put("/v1/store/" + url_encode(key), value);
    if (!put.ok()) throw StepFailed("the write on " + cluster_.name(0) + " failed: " + put.error());
    wait_until("the key reaching every agent", [&]() {
      if (watch.seen() == agents.size()) return std::optional<std::string>();
      return std::optional<std::string>(count_text(watch.seen(), agents.size(), "agents have it"));
    });
    double last = 0;
    for (const auto& at : watch.arrivals()) {
      const double ms = std::chrono::duration<double, std::milli>(*at - t0).count();
      figures_.visibility_ms.push_back(ms);
      last = std::max(last, ms);
    }
    figures_.everywhere_ms.push_back(last);
  }
  // And read back through every agent's API, the way a program would.
  wait_until("every agent returning the key on a read", [&]() {
    std::size_t have = 0;
    const std::string want =
        "hello #" + std::to_string(timings_.writes) + " from " + cluster_.name(0);
    for (auto i : agents)
      if (value_seen(cluster_.client(i), ids_[0], "demo/greeting") == want) ++have;
    if (have == agents.size()) return std::optional<std::string>();
    return std::optional<std::string>(count_text(have, agents.size(), "agents return it"));
  });
  narrator_.done("seen by every agent: p50 " + ms_text(median(figures_.visibility_ms)) +
                 ", all agents within " + ms_text(median(figures_.everywhere_ms)) + " (median of " +
                 std::to_string(timings_.writes) + " writes)");
}

void DemoScenario::remote_compare_and_set() {
  const std::size_t writer = 1;
  const std::string owner = ids_[victim_];
  const std::string path = "/v1/members/" + owner + "/store/" + url_encode("demo/color");
  narrator_.step(cluster_.name(writer) + " writes into " + cluster_.name(victim_) +
                 "'s store: a compare-and-set, then a stale one");
  const Reply first = cluster_.client(writer).put(path + "?expect=0", "blue");
  if (!first.ok())
    throw StepFailed("the compare-and-set (expect version 0) was not applied: " + first.error());
  const auto version = first.body["item"].value("version", 0ULL);
  narrator_.say("PUT demo/color=blue, expecting an absent key: " + std::to_string(first.status) +
                " " + first.body.value("status", "") + ", now version " + std::to_string(version));
  const Reply stale = cluster_.client(writer).put(path + "?expect=0", "green");
  if (stale.status != 409)
    throw StepFailed("a stale compare-and-set (expect 0 again) was not refused: HTTP " +
                     std::to_string(stale.status));
  narrator_.say(
      "PUT demo/color=green, expecting an absent key again: 409 conflict, the key holds "
      "\"" +
      stale.body["item"].value("value", "") + "\" at version " +
      std::to_string(stale.body["item"].value("version", 0ULL)));
  wait_until("every agent seeing demo/color=blue in " + cluster_.name(victim_) + "'s store", [&]() {
    std::size_t have = 0;
    const auto agents = live();
    for (auto i : agents)
      if (value_seen(cluster_.client(i), owner, "demo/color") == "blue") ++have;
    if (have == agents.size()) return std::optional<std::string>();
    return std::optional<std::string>(count_text(have, agents.size(), "agents see it"));
  });
  narrator_.done("applied once by the owner, the stale write refused, seen by every agent");
}

void DemoScenario::kill_and_detect() {
  const std::string victim = cluster_.name(victim_);
  const std::string id = ids_[victim_];
  if (auto seen = members_seen(cluster_.client(0)); seen && seen->count(id) > 0)
    victim_incarnation_ = seen->at(id).incarnation;
  narrator_.step("Killing " + victim + " with SIGKILL (pid " +
                 std::to_string(cluster_.process(victim_).pid()) + "): no goodbye");
  cluster_.process(victim_).signal(SIGKILL);
  if (!cluster_.process(victim_).wait_exit(std::chrono::seconds(5)))
    throw StepFailed(victim + " did not die of SIGKILL");
  down_[victim_] = true;
  wait_until("every other agent declaring " + victim + " dead", [&]() {
    std::size_t have = 0;
    const auto agents = live();
    for (auto i : agents) {
      auto seen = members_seen(cluster_.client(i));
      if (seen && seen->count(id) > 0 && seen->at(id).status == "dead") ++have;
    }
    if (have == agents.size()) return std::optional<std::string>();
    return std::optional<std::string>(count_text(have, agents.size(), "agents see it dead"));
  });
  figures_.detection_s = narrator_.step_seconds();
  narrator_.done("declared dead by all " + std::to_string(live().size()) + " other agents");
}

void DemoScenario::restart_and_rejoin() {
  const std::string victim = cluster_.name(victim_);
  const std::string id = ids_[victim_];
  narrator_.step("Restarting " + victim + " from its data dir (" +
                 cluster_.data_dir(victim_).string() + ")");
  cluster_.start(victim_);
  down_[victim_] = false;
  std::uint64_t incarnation = 0;
  wait_until("every agent seeing " + victim + " alive again with its keys", [&]() {
    if (!cluster_.process(victim_).running())
      throw StepFailed(victim + " exited after the restart; see " +
                       cluster_.process(victim_).log_path());
    std::size_t have = 0;
    const auto agents = live();
    for (auto i : agents) {
      auto seen = members_seen(cluster_.client(i));
      if (!seen || seen->count(id) == 0) continue;
      const MemberView& m = seen->at(id);
      if (m.status != "alive" || m.incarnation <= victim_incarnation_) continue;
      if (value_seen(cluster_.client(i), id, "demo/color") != "blue") continue;
      incarnation = m.incarnation;
      ++have;
    }
    if (have == agents.size()) return std::optional<std::string>();
    return std::optional<std::string>(count_text(have, agents.size(),
                                                 "agents see it alive, incarnation > " +
                                                     std::to_string(victim_incarnation_) +
                                                     ", with its keys"));
  });
  figures_.rejoin_s = narrator_.step_seconds();
  narrator_.done("same id, incarnation " + std::to_string(victim_incarnation_) + " -> " +
                 std::to_string(incarnation) + ", demo/color=blue still there");
}

void DemoScenario::graceful_leave() {
  const std::string leaver = cluster_.name(leaver_);
  const std::string id = ids_[leaver_];
  narrator_.step(leaver + " leaves gracefully (SIGTERM)");
  cluster_.process(leaver_).signal(SIGTERM);
  down_[leaver_] = true;
  wait_until("every other agent seeing " + leaver + " as left", [&]() {
    std::size_t have = 0;
    const auto agents = live();
    for (auto i : agents) {
      auto seen = members_seen(cluster_.client(i));
      if (seen && seen->count(id) > 0 && seen->at(id).status == "left") ++have;
    }
    if (have == agents.size()) return std::optional<std::string>();
    return std::optional<std::string>(count_text(have, agents.size(), "agents see it left"));
  });
  auto status = cluster_.process(leaver_).wait_exit(timings_.step_timeout);
  if (!status) throw StepFailed(leaver + " did not exit after leaving");
  if (*status != 0) throw StepFailed(leaver + " exited with status " + std::to_string(*status));
  figures_.leave_s = narrator_.step_seconds();
  narrator_.done("seen as left (not failed) by every other agent; it exited with status 0");
}

void DemoScenario::measure_idle() {
  const auto agents = live();
  narrator_.step("Measuring the quiet cluster: CPU over " + format_duration(timings_.idle_window) +
                 " and resident memory");
  std::vector<std::optional<ThreadTimes>> before;
  for (auto i : agents) before.push_back(thread_times(cluster_.process(i).pid()));
  const auto t0 = std::chrono::steady_clock::now();
  const auto end = t0 + timings_.idle_window;
  while (std::chrono::steady_clock::now() < end) {
    check_signals();
    narrator_.progress("measuring");
    std::this_thread::sleep_for(timings_.poll);
  }
  const double window =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  figures_.idle_window_s = window;
  for (std::size_t k = 0; k < agents.size(); ++k) {
    const pid_t pid = cluster_.process(agents[k]).pid();
    auto after = thread_times(pid);
    if (before[k] && after)
      figures_.idle_cpu_ms_per_s.push_back(
          std::chrono::duration<double, std::milli>(cpu_between(*before[k], *after)).count() /
          window);
    if (auto rss = resident_bytes(pid)) figures_.rss_bytes.push_back(static_cast<double>(*rss));
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
  };
  auto max = [](const std::vector<double>& v) {
    return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  };
  char line[160];
  std::snprintf(line, sizeof line,
                "idle CPU per agent: mean %.2f ms/s, max %.2f ms/s; resident memory: mean %.1f "
                "MiB, max %.1f MiB",
                mean(figures_.idle_cpu_ms_per_s), max(figures_.idle_cpu_ms_per_s),
                mean(figures_.rss_bytes) / 1048576.0, max(figures_.rss_bytes) / 1048576.0);
  narrator_.done(line);
}

void DemoScenario::run() {
  form_cluster();
  spread_a_key();
  remote_compare_and_set();
  kill_and_detect();
  restart_and_rejoin();
  graceful_leave();
  measure_idle();
}

}  // namespace convoy::app
