// `convoy sim`: see sim_command.hpp.
#include "sim/sim_command.hpp"

#include "sim/scenario.hpp"
#include "sim/schedule_file.hpp"
#include "text/duration.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace convoy::app {
namespace {

using convoy::core::Duration;

Duration to_sim_duration(const std::string& text) {
  auto d = parse_duration(text);
  if (!d)
    throw std::invalid_argument("bad duration: " + text + " (use " + std::string(kDurationUnits) +
                                ")");
  return std::chrono::duration_cast<Duration>(*d);
}

int run_and_print(const convoy::sim::ScenarioOptions& options) {
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

struct SimCommand::Args {
  convoy::sim::ScenarioOptions options;
  std::string duration_text;
  std::string probe_text = "1s";
  std::string gossip_text = "200ms";
  std::string schedule_path;
  CLI::Option* nodes = nullptr;
  CLI::Option* seed = nullptr;
  CLI::Option* probe = nullptr;
  CLI::Option* gossip = nullptr;
  CLI::Option* loss = nullptr;
  CLI::Option* trials = nullptr;
  CLI::Option* duration = nullptr;
};

SimCommand::SimCommand(CLI::App& parent) : args_(std::make_unique<Args>()) {
  Args& a = *args_;
  auto& options = a.options;
  command_ = parent.add_subcommand("sim", "Run a simulator scenario; prints JSON figures");
  CLI::App* sim = command_;
  std::string names;
  for (const auto& n : convoy::sim::scenario_names()) names += (names.empty() ? "" : ", ") + n;
  sim->add_option("--scenario", options.scenario, "Scenario: " + names)->required();
  sim->add_option("--schedule", a.schedule_path,
                  "schedule: the JSON schedule file to play (docs/schedules.md); it sets the "
                  "members, seed and timings");
  a.nodes =
      sim->add_option("--nodes", options.nodes, "Number of members")->check(CLI::Range(1, 65536));
  a.seed = sim->add_option("--seed", options.seed,
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
  sim->add_option("--suspicion-mult", options.config.protocol.suspicion_mult,
                  "Minimum suspicion timeout, in probe periods × max(1, log10 N)");
  sim->add_option("--suspicion-max-mult", options.config.protocol.suspicion_max_mult,
                  "Unconfirmed suspicion timeout, as a multiple of the minimum");
  sim->add_option("--confirmations", options.config.protocol.suspicion_confirmations,
                  "Independent confirmations that bring a suspicion down to the minimum");
  sim->add_option("--k", options.config.protocol.indirect_probes,
                  "Indirect probes per failed probe")
      ->check(CLI::Range(0, 32));
  a.probe =
      sim->add_option("--probe-period", a.probe_text, "Protocol (probe) period, e.g. 1s or 500ms");
  a.gossip = sim->add_option("--gossip-interval", a.gossip_text, "Gossip interval, e.g. 200ms");
  a.loss = sim->add_option("--loss", options.loss, "Datagram loss probability on every link")
               ->check(CLI::Range(0.0, 1.0));
  a.trials = sim->add_option("--trials", options.trials, "update: number of updates to time")
                 ->check(CLI::Range(1, 100000));
  sim->add_flag("--stalled-subscribers", options.stalled_subscribers,
                "update: every member gets a subscription that is never read");
  a.duration = sim->add_option(
      "--duration", a.duration_text,
      "Disturbance length (loss, partition), time limit (join, crash) or measuring window "
      "(steady), e.g. 600s");
  sim->add_option("--write-rate", options.write_rate,
                  "steady: writes a second, cluster-wide, in a second window after the idle one")
      ->check(CLI::Range(0.0, 100000.0));
}

SimCommand::~SimCommand() = default;

bool SimCommand::selected() const {
  return command_->parsed();
}

int SimCommand::run() {
  Args& a = *args_;
  auto& options = a.options;
  try {
    if (options.scenario == "schedule") {
      if (a.schedule_path.empty()) {
        std::cerr << "convoy: --scenario schedule needs --schedule FILE.json" << std::endl;
        return 2;
      }
      // The file says what these would: refuse them rather than let one silently lose.
      for (const CLI::Option* o : {a.nodes, a.probe, a.gossip, a.loss, a.trials, a.duration}) {
        if (o->count() > 0) {
          std::cerr << "convoy: " << o->get_name() << " does not apply to --scenario schedule "
                    << "(the schedule file sets it)" << std::endl;
          return 2;
        }
      }
      options.schedule = convoy::sim::load_schedule(a.schedule_path);
      if (a.seed->count() > 0) options.schedule->seed = options.seed;
    } else if (!a.schedule_path.empty()) {
      std::cerr << "convoy: --schedule needs --scenario schedule" << std::endl;
      return 2;
    }
    if (!a.duration_text.empty()) options.duration = to_sim_duration(a.duration_text);
    options.config.set_probe_period(to_sim_duration(a.probe_text));
    options.config.dissemination.gossip_interval = to_sim_duration(a.gossip_text);
    if (auto bad = options.config.validate()) {
      std::cerr << "convoy: " << bad->to_string() << std::endl;
      return 2;
    }
    return run_and_print(options);
  } catch (const std::exception& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return 2;
  }
}

}  // namespace convoy::app
