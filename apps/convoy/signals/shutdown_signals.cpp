// ShutdownSignals: see shutdown_signals.hpp.
#include "signals/shutdown_signals.hpp"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace convoy::app {

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &original_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
}

ShutdownSignals::~ShutdownSignals() {
  pthread_sigmask(SIG_SETMASK, &original_, nullptr);
}

std::optional<int> ShutdownSignals::wait_for(std::chrono::milliseconds timeout) const {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  for (;;) {
    const int sig = sigtimedwait(&set_, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno == EINTR) continue;  // another signal (SIGCHLD, a debugger): keep waiting
    return std::nullopt;           // EAGAIN: the timeout passed
  }
}

std::optional<int> ShutdownSignals::take_pending() const {
  return wait_for(std::chrono::milliseconds(0));
}

}  // namespace convoy::app
