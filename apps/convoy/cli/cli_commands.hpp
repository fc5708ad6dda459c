// The CLI for people: `convoy members|get|put|del|search|watch|evict|fail|health|keyring`, each
// talking to an agent over its HTTP API (--agent, or $CONVOY_AGENT, or 127.0.0.1:7947), and
// `convoy keygen`, which needs no agent. This class registers them on the tool's command line
// and runs the one that was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace convoy::app {

class CliCommands {
 public:
  explicit CliCommands(CLI::App& parent);
  ~CliCommands();
  CliCommands(const CliCommands&) = delete;
  CliCommands& operator=(const CliCommands&) = delete;

  [[nodiscard]] bool selected() const;
  /// Runs the chosen command; returns its exit status (a failure printed as one line).
  int run();

 private:
  struct Args;
  std::unique_ptr<Args> args_;
};

}  // namespace convoy::app
