// `convoy bench`: see bench_command.hpp.
#include "bench/bench_command.hpp"

#include "bench/host_cluster.hpp"
#include "bench/self_usage.hpp"
#include "bench/spread_timer.hpp"
#include "text/duration.hpp"

#include <convoy/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace convoy::app {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

// Header bytes a datagram and a stream message cost on the wire, counted as the simulator's
// steady scenario counts them: UDP/IPv4 and TCP/IPv4 without options.
constexpr double kDatagramHeader = 28;
constexpr double kStreamHeader = 40;

std::chrono::nanoseconds duration_flag(const std::string& text, const char* flag) {
  auto d = parse_duration(text);
  if (!d || d->count() < 0)
    throw std::invalid_argument(std::string("bad ") + flag + ": " + text + " (use " +
                                std::string(kDurationUnits) + ")");
  return *d;
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double millis(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

void progress(const std::string& line) {
  std::cerr << "bench: " << line << std::endl;
}

/// The cost of one window: CPU, wakeups and traffic per member and second.
struct Window {
  double seconds = 0;
  SelfUsage usage;
  Metrics traffic;

  void write(Json& out, const std::string& prefix, std::size_t nodes) const {
    const double per = 1.0 / (static_cast<double>(nodes) * seconds);
    const double datagrams = static_cast<double>(traffic.datagrams_sent);
    const double streams = static_cast<double>(traffic.stream_messages_sent);
    out[prefix + "seconds"] = seconds;
    out[prefix + "cpu_ms_per_member_second"] = millis(usage.cpu) * per;
    out[prefix + "wakeups_per_member_second"] = static_cast<double>(usage.voluntary_switches) * per;
    out[prefix + "datagrams_per_member_second"] = datagrams * per;
    out[prefix + "stream_messages_per_member_second"] = streams * per;
    out[prefix + "bytes_per_member_second"] =
        (static_cast<double>(traffic.bytes_sent) + kDatagramHeader * datagrams +
         kStreamHeader * streams) *
        per;
    out[prefix + "suspicions"] = traffic.suspicions;
    out[prefix + "declared_dead"] = traffic.members_declared_dead;
  }
};

Metrics difference(const Metrics& a, const Metrics& b) {
  Metrics d;
  d.datagrams_sent = a.datagrams_sent - b.datagrams_sent;
  d.stream_messages_sent = a.stream_messages_sent - b.stream_messages_sent;
  d.bytes_sent = a.bytes_sent - b.bytes_sent;
  d.suspicions = a.suspicions - b.suspicions;
  d.members_declared_dead = a.members_declared_dead - b.members_declared_dead;
  return d;
}

/// Measures `length` of the cluster's life; `during` runs on this thread meanwhile (it must
/// return by the deadline it is given).
template <class F>
Window measure(const HostCluster& cluster, std::chrono::nanoseconds length, F&& during) {
  const Metrics traffic_before = cluster.totals();
  const SelfUsage usage_before = SelfUsage::now();
  const auto start = Clock::now();
  during(start + length);
  std::this_thread::sleep_until(start + length);
  Window w;
  w.usage = SelfUsage::now() - usage_before;
  w.seconds = seconds(Clock::now() - start);
  w.traffic = difference(cluster.totals(), traffic_before);
  return w;
}

Config config_of(const std::string& profile) {
  if (profile == "lan") return Config::lan();
  if (profile == "wan") return Config::wan();
  if (profile == "local") return Config::local();
  throw std::invalid_argument("bad --profile: " + profile + " (use lan, wan or local)");
}

}  // namespace

struct BenchCommand::Args {
  std::size_t nodes = 32;
  std::size_t hosts_per_loop = 0;
  std::string profile = "lan";
  std::string probe_text;
  std::optional<std::uint32_t> factor;
  std::optional<std::uint32_t> eager_peers;
  std::string settle_text = "5s";
  std::string idle_text = "20s";
  std::string form_timeout_text = "300s";
  std::size_t updates = 20;
  double write_rate = 0;
  std::uint64_t seed = 1;
  bool encrypt = false;
};

BenchCommand::BenchCommand(CLI::App& parent) : args_(std::make_unique<Args>()) {
  Args& a = *args_;
  command_ = parent.add_subcommand(
      "bench",
      "Measure N hosts in this process over real sockets on 127.0.0.1: idle CPU, wakeups and "
      "traffic per member and second, and how fast a put reaches every host; prints JSON");
  CLI::App* b = command_;
  b->add_option("--nodes", a.nodes, "Number of hosts (default 32)")->check(CLI::Range(2, 4096));
  b->add_option("--hosts-per-loop", a.hosts_per_loop,
                "Hosts that share one protocol thread (an EventLoop); 0 (default): a thread each")
      ->check(CLI::Range(0, 4096));
  b->add_option("--profile", a.profile, "Timings: lan (default), wan or local");
  b->add_option("--probe-period", a.probe_text,
                "Protocol (probe) period, e.g. 1s or 200ms (default: the profile's)");
  b->add_option("--factor", a.factor,
                "Dissemination factor: each update is sent factor*ceil(ln(N+1)) times")
      ->check(CLI::Range(1, 100));
  b->add_option("--eager-peers", a.eager_peers,
                "Members each member pushes new updates to at once (0: piggyback only)")
      ->check(CLI::Range(0, 16));
  b->add_option("--settle", a.settle_text,
                "Wait this long after the cluster formed before measuring (default 5s)");
  b->add_option("--idle", a.idle_text, "Idle window to measure (default 20s)");
  b->add_option("--form-timeout", a.form_timeout_text,
                "Give up when the cluster has not formed after this (default 300s)");
  b->add_option("--updates", a.updates, "Puts to time until every host has them (default 20)")
      ->check(CLI::Range(0, 100000));
  b->add_option("--write-rate", a.write_rate,
                "Writes a second, cluster-wide, in a window as long as the idle one (default 0: "
                "no such window)")
      ->check(CLI::Range(0.0, 100000.0));
  b->add_option("--seed", a.seed, "Seed of the choice of writers (default 1)");
  b->add_flag("--encrypt", a.encrypt,
              "Seal all traffic with one generated key (encryption required), to measure its cost");
}

BenchCommand::~BenchCommand() = default;

bool BenchCommand::selected() const {
  return command_->parsed();
}

int BenchCommand::run() {
  Args& a = *args_;
  Config config;
  std::chrono::nanoseconds settle{}, idle{}, form_timeout{};
  try {
    config = config_of(a.profile);
    if (!a.probe_text.empty())
      config.set_probe_period(duration_flag(a.probe_text, "--probe-period"));
    if (a.factor) config.dissemination.factor = *a.factor;
    if (a.eager_peers) config.dissemination.eager_peers = *a.eager_peers;
    settle = duration_flag(a.settle_text, "--settle");
    idle = duration_flag(a.idle_text, "--idle");
    form_timeout = duration_flag(a.form_timeout_text, "--form-timeout");
    if (idle < std::chrono::seconds(1)) throw std::invalid_argument("--idle must be 1s or more");
    if (auto bad = config.validate()) throw std::invalid_argument(bad->to_string());
  } catch (const std::exception& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return 2;
  }

  Json out;
  out["nodes"] = a.nodes;
  out["probe_period_ms"] = millis(config.protocol.probe_interval);
  out["factor"] = config.dissemination.factor;
  out["eager_peers"] = config.dissemination.eager_peers;
  out["encrypted"] = a.encrypt;
  SecurityOptions security;
  if (a.encrypt) security = SecurityOptions{{generate_key()}, Encryption::required, "bench"};
  try {
    const auto started = Clock::now();
    HostCluster cluster(a.nodes, a.hosts_per_loop, config, security, progress);
    out["event_loops"] = cluster.loops();
    const bool formed = cluster.wait_formed(
        std::chrono::duration_cast<std::chrono::milliseconds>(form_timeout), progress);
    out["formed_seconds"] = seconds(Clock::now() - started);
    if (!formed) {
      std::cerr << "convoy: the cluster did not form: " << cluster.hosts_seeing_all_alive()
                << " of " << a.nodes << " hosts saw every host alive after "
                << format_duration(form_timeout) << std::endl;
      return 1;
    }
    progress("formed in " + format_millis(Clock::now() - started) + "; settling for " +
             format_duration(settle));
    std::this_thread::sleep_for(settle);

    progress("measuring " + format_duration(idle) + " idle");
    const Window quiet = measure(cluster, idle, [](Clock::time_point) {});
    quiet.write(out, "idle_", a.nodes);

    std::mt19937_64 random(a.seed);
    std::uniform_int_distribution<std::size_t> pick(0, a.nodes - 1);
    if (a.write_rate > 0) {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%g", a.write_rate);
      progress("measuring " + format_duration(idle) + " at " + rate + " writes a second");
      const auto gap = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / a.write_rate));
      std::uint64_t written = 0;
      const Window loaded = measure(cluster, idle, [&](Clock::time_point end) {
        for (auto next = Clock::now(); next < end; next += gap) {
          std::this_thread::sleep_until(next);
          // Asynchronous: the window measures the cluster, not this thread waiting for commits.
          Host& writer = cluster.host(pick(random));
          writer.directory()
              .member(writer.id())
              .store()
              .put_async("convoy-bench.load", std::to_string(++written), std::nullopt,
                         [](const WriteResult&) {});
        }
      });
      loaded.write(out, "loaded_", a.nodes);
      out["loaded_writes"] = written;
    }

    if (a.updates > 0) {
      progress("timing " + std::to_string(a.updates) + " puts until every host has them");
      SpreadTimer timer(cluster);
      std::vector<double> last, median;
      std::size_t missed = 0;
      for (std::size_t i = 0; i < a.updates; ++i) {
        auto spread = timer.measure(pick(random), std::chrono::seconds(30));
        if (!spread) {
          ++missed;
          continue;
        }
        last.push_back(millis(spread->last));
        median.push_back(millis(spread->median));
      }
      out["updates"] = a.updates;
      out["updates_missed"] = missed;
      out["update_all_p50_ms"] = percentile(last, 0.5);
      out["update_all_p99_ms"] = percentile(last, 0.99);
      out["update_all_max_ms"] = percentile(last, 1.0);
      out["update_half_p50_ms"] = percentile(median, 0.5);
      if (missed > 0) {
        std::cout << out.dump() << std::endl;
        std::cerr << "convoy: " << missed << " of " << a.updates
                  << " puts did not reach every host within 30 s" << std::endl;
        return 1;
      }
    }
    progress("shutting down");
  } catch (const Error& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return 1;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace convoy::app
