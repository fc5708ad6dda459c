// ChildProcess: runs a function in a forked child that talks to the parent through two pipes.
// Tests use it for what only another process can show: a data dir locked elsewhere, a member
// killed in the middle of a write. There are no sleeps and no timeouts: the parent blocks on the
// child's reports, then kills it or lets it go, and always reaps it.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <utility>

namespace convoy::storage::testing {

/// The child's side: numbers to the parent, and a wait for the parent's word.
class ChildChannel {
 public:
  ChildChannel(int report_fd, int command_fd) : report_fd_(report_fd), command_fd_(command_fd) {}

  /// Sends `n` to the parent. Returns after the write, so a report means "done before this".
  void report(std::uint64_t n) const {
    if (!write_all(report_fd_, &n, sizeof n)) _exit(3);  // the parent is gone
  }

  /// Blocks until the parent releases the child (closes its end).
  void wait_for_release() const {
    char byte = 0;
    while (::read(command_fd_, &byte, 1) < 0 && errno == EINTR) {
    }
  }

 private:
  static bool write_all(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  int report_fd_;
  int command_fd_;
};

class ChildProcess {
 public:
  /// Forks; the child runs `body` and exits with 0, or 2 if it threw.
  explicit ChildProcess(const std::function<void(const ChildChannel&)>& body) {
    int reports[2];
    int commands[2];
    if (pipe(reports) != 0 || pipe(commands) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(reports[0]);
      ::close(commands[1]);
      int status = 0;
      try {
        body(ChildChannel(reports[1], commands[0]));
      } catch (...) {
        status = 2;
      }
      _exit(status);  // no atexit handlers, no gtest teardown in the child
    }
    ::close(reports[1]);
    ::close(commands[0]);
    report_fd_ = reports[0];
    command_fd_ = commands[1];
  }

  ~ChildProcess() {
    if (pid_ > 0) kill_now();
    if (report_fd_ >= 0) ::close(report_fd_);
    release();
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  /// The child's next report; nullopt once it has exited (or closed its end) without one.
  std::optional<std::uint64_t> next_report() {
    std::uint64_t n = 0;
    auto* p = reinterpret_cast<char*>(&n);
    std::size_t got = 0;
    while (got < sizeof n) {
      const ssize_t r = ::read(report_fd_, p + got, sizeof n - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return std::nullopt;
      got += static_cast<std::size_t>(r);
    }
    return n;
  }

  /// Lets a child blocked in wait_for_release() go on.
  void release() {
    if (command_fd_ >= 0) ::close(command_fd_);
    command_fd_ = -1;
  }

  /// SIGKILL, wherever the child is, then reaps it. Reports it wrote before dying stay readable.
  void kill_now() {
    ::kill(pid_, SIGKILL);
    wait_for_exit();
  }

  /// Reaps the child; returns its exit code, or -1 if a signal ended it.
  int wait_for_exit() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int report_fd_ = -1;
  int command_fd_ = -1;
};

}  // namespace convoy::storage::testing
