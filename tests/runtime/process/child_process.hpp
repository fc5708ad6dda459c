// ChildProcess: another program run by a test — a Convoy node in its own process, or a command
// like `ip netns exec` — with its stdin and stdout on pipes, so the test can send it commands
// and read its lines with a deadline, and kill it (SIGKILL included) when the test says so.
// Processes are what a crash really kills: a Host shut down in-process is not a crash.
//
// Spawned with posix_spawnp (safe in a process full of threads, unlike fork); every pipe end the
// child must not inherit is close-on-exec. stderr is inherited, so a child's complaints reach
// the test log. The destructor kills a child that is still running and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace convoy::test {

class ChildProcess {
 public:
  /// Starts argv[0] (looked up in PATH when it has no slash) with `argv`. Throws
  /// std::runtime_error if it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  /// Sends one line (a newline is added). False if the child no longer reads.
  bool send(const std::string& line);
  /// Closes the child's stdin: it reads end of file.
  void close_input();

  /// The next line of its stdout, waiting at most `limit`; nullopt on timeout or end of output.
  std::optional<std::string> read_line(std::chrono::milliseconds limit);
  /// True once the child closed its stdout (it exited, or was killed) and every line was read.
  [[nodiscard]] bool output_ended() const { return eof_ && buffer_.empty(); }

  /// Sends `signal` (SIGKILL, SIGTERM...) unless it has already been reaped.
  void kill(int signal);
  /// Waits at most `limit` for the child to end; its wait status, or nullopt if it still runs.
  std::optional<int> wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  int in_ = -1;   ///< write end of the child's stdin
  int out_ = -1;  ///< read end of the child's stdout
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> status_;
};

}  // namespace convoy::test
