// Scenario: the named experiments `convoy sim` runs (join, crash, loss, partition, update, churn,
// and schedule, which plays a FaultSchedule). Each builds a simulated cluster from
// ScenarioOptions, drives it, and reports figures as an ordered list of named values, so the tool
// prints them as JSON and tests assert on them by name.
#pragma once

#include <convoy/config.hpp>
#include "core/time.hpp"
#include "sim/fault_schedule.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace convoy::sim {

struct ScenarioOptions {
  std::string scenario = "join";
  std::size_t nodes = 100;
  std::uint64_t seed = 1;
  convoy::Config config;
  /// Datagram loss on every link (the `loss` scenario applies it after the cluster formed).
  double loss = 0.0;
  /// How long the disturbance lasts (loss, partition); the join and crash scenarios use it as
  /// their time limit. Unset: each scenario's own default (see scenario_names()).
  std::optional<core::Duration> duration;
  /// update: how many single-key updates to time.
  std::size_t trials = 50;
  /// update: give every member a subscription that is never read.
  bool stalled_subscribers = false;
  /// steady: writes a second, cluster-wide, in the loaded window (0: idle only).
  double write_rate = 0.0;
  /// schedule: the schedule to play; it sets the members, the seed and the timings (`config`
  /// is the base its timings override), so `nodes`, `seed`, `loss` and `duration` are unused.
  std::optional<FaultSchedule> schedule;
};

/// One reported figure.
using FigureValue = std::variant<std::int64_t, double, bool, std::string>;

class ScenarioResult {
 public:
  void add(std::string name, FigureValue value) {
    figures_.emplace_back(std::move(name), std::move(value));
  }
  [[nodiscard]] const std::vector<std::pair<std::string, FigureValue>>& figures() const {
    return figures_;
  }
  /// The figure called `name`; throws std::out_of_range if there is none.
  [[nodiscard]] const FigureValue& at(std::string_view name) const;
  template <class T>
  [[nodiscard]] T get(std::string_view name) const {
    return std::get<T>(at(name));
  }

 private:
  std::vector<std::pair<std::string, FigureValue>> figures_;
};

/// Names accepted by run_scenario.
[[nodiscard]] std::vector<std::string> scenario_names();

/// Runs options.scenario. Throws std::invalid_argument for an unknown name or bad options.
[[nodiscard]] ScenarioResult run_scenario(const ScenarioOptions& options);

}  // namespace convoy::sim
