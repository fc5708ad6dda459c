// `convoy agent`: runs one member of a Convoy cluster in this process, with its HTTP API and
// dashboard, until SIGINT or SIGTERM (then it leaves gracefully and exits 0). Built only on the
// public Host API — the agent is the proof that the API is enough for a real program
// (tests/app/agent_includes_test.sh keeps it so).
//
// Exit status: 0 after a graceful leave; 1 when the member cannot start or join, or is evicted;
// 2 for a bad flag or config file (one line naming it).
#pragma once

#include "agent/agent_flags.hpp"
#include "signals/shutdown_signals.hpp"

#include <CLI/CLI.hpp>

namespace convoy::app {

class AgentCommand {
 public:
  explicit AgentCommand(CLI::App& parent);

  [[nodiscard]] bool selected() const { return command_->parsed(); }
  int run(const ShutdownSignals& signals);

 private:
  CLI::App* command_;
  AgentFlags flags_;
};

}  // namespace convoy::app
