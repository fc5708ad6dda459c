// convoy: the command-line tool. `convoy sim` runs simulator scenarios and prints their figures
// as JSON lines on stdout (deterministic for a seed); wall-clock figures go to stderr.
#include "sim/scenario.hpp"
#include "sim/schedule_file.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using convoy::core::Duration;

/// Parses "600s", "250ms", "2m", "1.5s" or a bare number of seconds.
Duration parse_duration(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value < 0) throw CLI::ValidationError("bad duration: " + text);
  std::string unit(end, text.data() + text.size());
  double seconds;
  if (unit.empty() || unit == "s")
    seconds = value;
  else if (unit == "ms")
    seconds = value / 1000.0;
  else if (unit == "m" || unit == "min")
    seconds = value * 60.0;
  else if (unit == "h")
    seconds = value * 3600.0;
  else
    throw CLI::ValidationError("bad duration unit in: " + text + " (use ms, s, m or h)");
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

int run_sim(const convoy::sim::ScenarioOptions& options) {
  auto wall_start = std::chrono::steady_clock::now();
  convoy::sim::ScenarioResult result = convoy::sim::run_scenario(options);
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  nlohmann::ordered_json figures;
  // Not a structured binding: clang before 16 refuses to capture one in a lambda.
  for (const auto& figure : result.figures()) {
    const std::string& name = figure.first;
    std::visit([&](const auto& v) { figures[name] = v; }, figure.second);
  }
  std::cout << figures.dump() << std::endl;

  nlohmann::ordered_json timing;
  timing["wall_seconds"] = wall;
  if (auto it = figures.find("messages_delivered"); it != figures.end() && wall > 0)
    timing["messages_per_wall_second"] = it->get<double>() / wall;
  std::cerr << timing.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Convoy: cluster membership and information dissemination"};
  app.require_subcommand(1);

  convoy::sim::ScenarioOptions options;
  std::string duration_text;
  std::string probe_text = "1s";
  std::string gossip_text = "200ms";
  std::string schedule_path;
  auto* sim = app.add_subcommand("sim", "Run a simulator scenario; prints JSON figures");
  std::string names;
  for (const auto& n : convoy::sim::scenario_names()) names += (names.empty() ? "" : ", ") + n;
  sim->add_option("--scenario", options.scenario, "Scenario: " + names)->required();
  sim->add_option("--schedule", schedule_path,
                  "schedule: the JSON schedule file to play (docs/schedules.md); it sets the "
                  "members, seed and timings");
  auto* nodes =
      sim->add_option("--nodes", options.nodes, "Number of members")->check(CLI::Range(1, 65536));
  auto* seed = sim->add_option("--seed", options.seed,
                               "Random seed (same seed, same output); with --schedule it replaces "
                               "the file's seed");
  sim->add_option("--factor", options.config.dissemination.factor,
                  "Dissemination factor: each update is sent factor*ceil(ln(N+1)) times")
      ->check(CLI::Range(1, 100));
  sim->add_option("--fanout", options.config.dissemination.fanout,
                  "Members gossiped to per gossip interval")
      ->check(CLI::Range(1, 64));
  sim->add_option("--eager-peers", options.config.dissemination.eager_peers,
                  "Members each member pushes new updates to at once (0: piggyback only)")
      ->check(CLI::Range(0, 16));
  sim->add_option("--k", options.config.protocol.indirect_probes,
                  "Indirect probes per failed probe")
      ->check(CLI::Range(0, 32));
  auto* probe =
      sim->add_option("--probe-period", probe_text, "Protocol (probe) period, e.g. 1s or 500ms");
  auto* gossip = sim->add_option("--gossip-interval", gossip_text, "Gossip interval, e.g. 200ms");
  auto* loss = sim->add_option("--loss", options.loss, "Datagram loss probability on every link")
                   ->check(CLI::Range(0.0, 1.0));
  auto* trials = sim->add_option("--trials", options.trials, "update: number of updates to time")
                     ->check(CLI::Range(1, 100000));
  sim->add_flag("--stalled-subscribers", options.stalled_subscribers,
                "update: every member gets a subscription that is never read");
  auto* duration = sim->add_option(
      "--duration", duration_text,
      "Disturbance length (loss, partition) or time limit (join, crash), e.g. 600s");

  CLI11_PARSE(app, argc, argv);

  try {
    if (options.scenario == "schedule") {
      if (schedule_path.empty()) {
        std::cerr << "convoy: --scenario schedule needs --schedule FILE.json" << std::endl;
        return 2;
      }
      // The file says what these would: refuse them rather than let one silently lose.
      for (const CLI::Option* o : {nodes, probe, gossip, loss, trials, duration}) {
        if (o->count() > 0) {
          std::cerr << "convoy: " << o->get_name() << " does not apply to --scenario schedule "
                    << "(the schedule file sets it)" << std::endl;
          return 2;
        }
      }
      options.schedule = convoy::sim::load_schedule(schedule_path);
      if (seed->count() > 0) options.schedule->seed = options.seed;
    } else if (!schedule_path.empty()) {
      std::cerr << "convoy: --schedule needs --scenario schedule" << std::endl;
      return 2;
    }
    if (!duration_text.empty()) options.duration = parse_duration(duration_text);
    options.config.set_probe_period(parse_duration(probe_text));
    options.config.dissemination.gossip_interval = parse_duration(gossip_text);
    if (auto bad = options.config.validate()) {
      std::cerr << "convoy: " << bad->to_string() << std::endl;
      return 2;
    }
    if (sim->parsed()) return run_sim(options);
  } catch (const std::exception& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return 2;
  }
  return 0;
}
