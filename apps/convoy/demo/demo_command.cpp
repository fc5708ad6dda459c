// `convoy demo`: see demo_command.hpp.
#include "demo/demo_command.hpp"

#include "demo/demo_scenario.hpp"
#include "demo/local_cluster.hpp"
#include "demo/narrator.hpp"
#include "text/duration.hpp"

#include <convoy/security.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

namespace convoy::app {
namespace {

namespace fs = std::filesystem;

std::string self_executable() {
  std::error_code ec;
  auto path = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the convoy binary (/proc/self/exe)");
  return path.string();
}

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "convoy-demo-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary folder under " +
                             fs::temp_directory_path().string());
  return pattern;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(rank, v.size() - 1)];
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double max_of(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

nlohmann::ordered_json figures_json(const DemoFigures& f, const std::string& profile) {
  nlohmann::ordered_json j;
  j["nodes"] = f.nodes;
  j["profile"] = profile;
  j["formation_s"] = f.formation_s;
  j["visibility_p50_ms"] = percentile(f.visibility_ms, 0.5);
  j["visibility_max_ms"] = max_of(f.visibility_ms);
  j["visible_everywhere_median_ms"] = percentile(f.everywhere_ms, 0.5);
  j["writes_timed"] = f.everywhere_ms.size();
  j["detection_s"] = f.detection_s;
  j["rejoin_s"] = f.rejoin_s;
  j["leave_s"] = f.leave_s;
  j["idle_window_s"] = f.idle_window_s;
  j["idle_cpu_ms_per_s_mean"] = mean(f.idle_cpu_ms_per_s);
  j["idle_cpu_ms_per_s_max"] = max_of(f.idle_cpu_ms_per_s);
  j["rss_mib_mean"] = mean(f.rss_bytes) / 1048576.0;
  j["rss_mib_max"] = max_of(f.rss_bytes) / 1048576.0;
  return j;
}

void print_summary(std::ostream& out, const DemoFigures& f) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Figures of this run (%zu agents):\n"
                "  cluster formed in            %.2f s\n"
                "  a write visible through every agent's API in %.1f ms (median of %zu writes; "
                "per agent p50 %.1f ms, max %.1f ms)\n"
                "  SIGKILLed agent declared dead everywhere in %.2f s\n"
                "  restarted agent alive again everywhere in   %.2f s\n"
                "  graceful leave seen everywhere in           %.2f s\n"
                "  idle CPU per agent           mean %.2f ms/s, max %.2f ms/s (over %.0f s)\n"
                "  resident memory per agent    mean %.1f MiB, max %.1f MiB\n",
                f.nodes, f.formation_s, percentile(f.everywhere_ms, 0.5), f.everywhere_ms.size(),
                percentile(f.visibility_ms, 0.5), max_of(f.visibility_ms), f.detection_s,
                f.rejoin_s, f.leave_s, mean(f.idle_cpu_ms_per_s), max_of(f.idle_cpu_ms_per_s),
                f.idle_window_s, mean(f.rss_bytes) / 1048576.0, max_of(f.rss_bytes) / 1048576.0);
  out << buf;
}

}  // namespace

DemoCommand::DemoCommand(CLI::App& parent)
    : command_(parent.add_subcommand(
          "demo", "Start a local cluster of agents and show Convoy's main job, narrated")) {
  command_->add_option("--nodes", nodes_, "Agents to start (default 5)")->check(CLI::Range(3, 256));
  command_->add_flag("--keep", keep_,
                     "Leave the cluster running at the end, to explore with the CLI and the "
                     "dashboard");
  command_->add_option("--dir", dir_,
                       "Folder for the agents' data dirs and logs (default: a new temporary "
                       "folder, removed at the end)");
  command_->add_option("--profile", profile_, "Agents' timings: local (default) or lan")
      ->check(CLI::IsMember({"local", "lan", "wan"}));
  command_->add_option("--step-timeout", step_timeout_,
                       "Give up on a step after this long (default 30s; 60s for lan)");
  command_->add_option("--idle-window", idle_window_,
                       "Measure idle CPU over this long (default 5s)");
  command_->add_option("--writes", writes_, "Writes timed in the visibility step (default 3)")
      ->check(CLI::Range(1, 100));
  command_->add_flag("--plaintext", plaintext_,
                     "Agents send plaintext (default: all traffic sealed with a key made for "
                     "this demo)");
  command_->add_flag("--json", json_,
                     "Narrate on stderr and print the run's figures as one JSON object on stdout");
}

int DemoCommand::run(const ShutdownSignals& signals) {
  DemoTimings timings;
  timings.step_timeout = profile_ == "local" ? std::chrono::seconds(30) : std::chrono::seconds(60);
  timings.writes = writes_;
  for (auto [text, field] : {std::pair{&step_timeout_, &timings.step_timeout},
                             std::pair{&idle_window_, &timings.idle_window}}) {
    if (text->empty()) continue;
    auto d = parse_duration(*text);
    if (!d || d->count() <= 0) {
      std::cerr << "convoy demo: bad duration '" << *text << "' (use "
                << std::string(kDurationUnits) << ")" << std::endl;
      return 2;
    }
    *field = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }

  std::ostream& out = json_ ? std::cerr : std::cout;
  const bool tty = ::isatty(json_ ? 2 : 1) != 0;
  Narrator narrator(out, tty);

  fs::path dir;
  bool temporary = dir_.empty();
  ClusterSettings settings;
  try {
    dir = temporary ? make_temp_dir() : fs::path(dir_);
    fs::create_directories(dir);
    settings.executable = self_executable();
  } catch (const std::exception& e) {
    std::cerr << "convoy demo: " << e.what() << std::endl;
    return 1;
  }
  settings.dir = dir;
  settings.nodes = nodes_;
  settings.profile = profile_;
  settings.keep = keep_;
  if (!plaintext_) settings.key = generate_key();
  out << "Convoy demo: " << nodes_ << " agents on 127.0.0.1, " << profile_ << " timings, "
      << (plaintext_ ? std::string("plaintext")
                     : "traffic sealed (XChaCha20-Poly1305, key " + *key_id(settings.key) +
                           ", cluster \"" + settings.cluster_name + "\")")
      << ", in " << dir.string() << std::endl;

  int status = 0;
  DemoFigures figures;
  {
    LocalCluster cluster(settings, signals.original_mask());
    DemoScenario scenario(cluster, narrator, signals, timings);
    try {
      scenario.run();
      figures = scenario.figures();
      out << std::endl;
      print_summary(out, figures);
      out << "Dashboard: http://" << cluster.http(0) << "/" << std::endl;
      if (keep_) {
        cluster.keep();
        out << "\nThe cluster keeps running (" << dir.string() << "). Try:\n"
            << "  export CONVOY_AGENT=" << cluster.http(0) << "\n"
            << "  convoy members\n  convoy put role web\n  convoy watch\n"
            << "Stop it with: kill";
        for (std::size_t i = 0; i < cluster.size(); ++i)
          if (cluster.process(i).running()) out << " " << cluster.process(i).pid();
        out << "   (each agent leaves gracefully on SIGTERM)" << std::endl;
      } else {
        narrator.step("Stopping the agents (each leaves gracefully)");
      }
    } catch (const StepFailed& e) {
      narrator.step("✗ " + std::string(e.what()));
      out << "Agents' logs are kept in " << dir.string() << std::endl;
      temporary = false;  // keep the logs for the person who reads this
      status = 1;
    } catch (const Interrupted&) {
      narrator.step("Interrupted: stopping the agents");
      status = 130;
    } catch (const std::exception& e) {
      narrator.step(std::string("✗ ") + e.what());
      status = 1;
    }
  }  // the cluster stops its agents here (unless kept)
  if (temporary && !keep_) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  if (status == 0 && !keep_) narrator.done("all agents stopped, nothing left behind");
  if (json_ && status == 0) {
    nlohmann::ordered_json j = figures_json(figures, profile_);
    j["encrypted"] = !plaintext_;
    std::cout << j.dump() << std::endl;
  }
  if (status == 1) std::cerr << "convoy demo: a step did not happen (see above)" << std::endl;
  return status;
}

}  // namespace convoy::app
