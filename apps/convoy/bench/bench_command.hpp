// `convoy bench`: what Convoy costs and how fast it spreads news over real sockets. It runs N
// hosts in this process on 127.0.0.1 (each with its own protocol thread, as in its own process,
// or every --hosts-per-loop of them sharing one EventLoop), waits
// until every host sees every host alive, then measures an idle window (CPU time and wakeups of
// the whole process, datagrams and bytes, per member and second), optionally a window under a
// cluster-wide write rate, and the time a put takes to reach every other host. Figures go to
// stdout as one JSON line (like `convoy sim`), progress lines to stderr. Exit status: 0;
// 1 when the cluster did not form or an update did not arrive in time; 2 for bad flags.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace convoy::app {

class BenchCommand {
 public:
  explicit BenchCommand(CLI::App& parent);
  ~BenchCommand();
  BenchCommand(const BenchCommand&) = delete;
  BenchCommand& operator=(const BenchCommand&) = delete;

  [[nodiscard]] bool selected() const;
  int run();

 private:
  struct Args;
  std::unique_ptr<Args> args_;
  CLI::App* command_ = nullptr;
};

}  // namespace convoy::app
