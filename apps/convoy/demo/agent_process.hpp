// AgentProcess: one `convoy agent` started by the demo as a child process, in a process group of
// its own (so a signal reaches it and anything it starts, and the terminal's Ctrl-C reaches only
// the demo, which then decides), its output going to a log file. Unless released (--keep), it
// dies with the demo (PR_SET_PDEATHSIG) and is killed and reaped when this object goes away:
// the demo never leaves a process behind by accident.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace convoy::app {

class AgentProcess {
 public:
  /// `argv[0]` is the executable. `child_mask`: the signal mask the child restores before exec.
  AgentProcess(std::vector<std::string> argv, std::string log_path, const sigset_t& child_mask,
               bool die_with_parent);
  /// Kills the group (SIGKILL) and reaps it if it still runs and was not released.
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  /// Starts (or restarts, with the same arguments) the process. Throws std::runtime_error.
  void start();
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// True while the process runs (reaps it once it has exited).
  [[nodiscard]] bool running();
  /// The exit status once exited: the code, or 128 + signal.
  [[nodiscard]] std::optional<int> exit_status() const { return exit_status_; }
  /// Sends `sig` to the process group.
  void signal(int sig) const;
  /// Polls until the process exits or `timeout` passes; its exit status, or nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  /// Stops: SIGTERM (a graceful leave), then SIGKILL after `grace`.
  void stop(std::chrono::milliseconds grace);
  /// Forgets the process without stopping it (the demo's --keep).
  void release() { pid_ = -1; }
  [[nodiscard]] const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  sigset_t child_mask_;
  bool die_with_parent_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace convoy::app
