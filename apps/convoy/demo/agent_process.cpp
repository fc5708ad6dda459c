// AgentProcess: see agent_process.hpp.
#include "demo/agent_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace convoy::app {

AgentProcess::AgentProcess(std::vector<std::string> argv, std::string log_path,
                           const sigset_t& child_mask, bool die_with_parent)
    : argv_(std::move(argv)),
      log_path_(std::move(log_path)),
      child_mask_(child_mask),
      die_with_parent_(die_with_parent) {}

AgentProcess::~AgentProcess() {
  if (pid_ > 0 && running()) {
    signal(SIGKILL);
    (void)wait_exit(std::chrono::seconds(5));
  }
}

void AgentProcess::start() {
  if (pid_ > 0 && running()) throw std::runtime_error("agent already running");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0)
    throw std::runtime_error("cannot open " + log_path_ + ": " + std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    if (die_with_parent_) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the demo died before the line above
    }
    ::sigprocmask(SIG_SETMASK, &child_mask_, nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::setpgid(pid, pid);  // also in the parent: no window where a signal to the group misses it
  pid_ = pid;
  exit_status_.reset();
}

bool AgentProcess::running() {
  if (pid_ <= 0) return false;
  if (exit_status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // The group may hold nothing else; a kill to it now fails harmlessly.
  }
  return false;
}

void AgentProcess::signal(int sig) const {
  if (pid_ > 0 && !exit_status_) ::kill(-pid_, sig);  // never a reused pid's group
}

std::optional<int> AgentProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

void AgentProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  signal(SIGTERM);
  if (!wait_exit(grace)) {
    signal(SIGKILL);
    (void)wait_exit(std::chrono::seconds(5));
  }
}

}  // namespace convoy::app
