// DemoScenario: the story `convoy demo` tells with a real local cluster, step by step — the
// cluster forms; a key written on one agent reaches every agent; a remote compare-and-set is
// applied and a stale one refused; an agent killed with SIGKILL is declared dead by every other;
// restarted from its data dir, it is seen alive again with a higher incarnation and its keys; an
// agent leaves gracefully. Every wait is a bounded poll of a condition through the agents' HTTP
// API; a step that does not happen in time ends the demo naming it (StepFailed), and Ctrl-C
// ends it cleanly (Interrupted). The figures of the run are collected for the summary.
#pragma once

#include "demo/local_cluster.hpp"
#include "demo/narrator.hpp"
#include "signals/shutdown_signals.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace convoy::app {

class StepFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

/// Figures of one run (seconds, milliseconds, bytes).
struct DemoFigures {
  std::size_t nodes = 0;
  double formation_s = 0;
  std::vector<double> visibility_ms;  ///< every (write, agent) delivery
  std::vector<double> everywhere_ms;  ///< per write: the last agent's delivery
  double detection_s = 0;
  double rejoin_s = 0;
  double leave_s = 0;
  double idle_window_s = 0;
  std::vector<double> idle_cpu_ms_per_s;  ///< per running agent
  std::vector<double> rss_bytes;          ///< per running agent
};

struct DemoTimings {
  std::chrono::milliseconds step_timeout{30000};
  std::chrono::milliseconds poll{50};
  std::chrono::milliseconds idle_window{5000};
  std::size_t writes = 3;  ///< writes timed in the visibility step
};

class DemoScenario {
 public:
  DemoScenario(LocalCluster& cluster, Narrator& narrator, const ShutdownSignals& signals,
               DemoTimings timings);

  /// Runs every step. Throws StepFailed or Interrupted.
  void run();
  [[nodiscard]] const DemoFigures& figures() const { return figures_; }

 private:
  /// Polls `check` (nullopt: the condition holds; otherwise what is still missing) until it
  /// holds, or the step's time is up (StepFailed naming `what`), or Ctrl-C (Interrupted).
  void wait_until(const std::string& what,
                  const std::function<std::optional<std::string>()>& check);
  void check_signals() const;

  void form_cluster();
  void spread_a_key();
  void remote_compare_and_set();
  void kill_and_detect();
  void restart_and_rejoin();
  void graceful_leave();
  void measure_idle();

  /// Indices of the agents expected to be running.
  [[nodiscard]] std::vector<std::size_t> live() const;

  LocalCluster& cluster_;
  Narrator& narrator_;
  const ShutdownSignals& signals_;
  DemoTimings timings_;
  DemoFigures figures_;
  std::vector<std::string> ids_;
  std::vector<bool> down_;
  std::size_t victim_ = 0;  ///< killed and restarted
  std::size_t leaver_ = 0;  ///< leaves gracefully
  std::uint64_t victim_incarnation_ = 0;
};

}  // namespace convoy::app
