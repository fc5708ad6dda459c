// `convoy demo`: Convoy's main job, shown with a real local cluster of agent processes (see
// demo_scenario.hpp for the story). It owns the run's folder (a temporary one unless --dir),
// starts and always cleans up the agents it started (also on Ctrl-C and on a failed step),
// prints the figures of the run, and with --keep leaves the cluster running for the CLI and the
// dashboard. Exit status: 0 when every step happened; 1 naming the step that did not; 2 for bad
// flags; 130 after Ctrl-C.
#pragma once

#include "signals/shutdown_signals.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace convoy::app {

class DemoCommand {
 public:
  explicit DemoCommand(CLI::App& parent);

  [[nodiscard]] bool selected() const { return command_->parsed(); }
  int run(const ShutdownSignals& signals);

 private:
  CLI::App* command_;
  std::size_t nodes_ = 5;
  bool keep_ = false;
  bool json_ = false;
  bool plaintext_ = false;
  std::string dir_;
  std::string profile_ = "local";
  std::string step_timeout_;
  std::string idle_window_;
  std::size_t writes_ = 3;
};

}  // namespace convoy::app
