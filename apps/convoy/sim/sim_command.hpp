// `convoy sim`: runs a simulator scenario and prints its figures as one JSON line on stdout
// (deterministic for a seed); wall-clock figures go to stderr. The only command of the tool that
// reaches into Convoy's internals (the simulator), so it lives apart from the agent's code.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace convoy::app {

class SimCommand {
 public:
  explicit SimCommand(CLI::App& parent);
  ~SimCommand();
  SimCommand(const SimCommand&) = delete;
  SimCommand& operator=(const SimCommand&) = delete;

  [[nodiscard]] bool selected() const;
  /// Runs the parsed scenario. Returns the exit status (2: bad input, named on one line).
  int run();

 private:
  struct Args;
  std::unique_ptr<Args> args_;
  CLI::App* command_ = nullptr;
};

}  // namespace convoy::app
