// ShutdownSignals: SIGINT and SIGTERM taken synchronously, without a signal handler or a global
// flag. The constructor blocks both in the calling thread — call it in main() before any thread
// starts, so every thread inherits the mask and no thread is interrupted — and the owner then
// waits for them with sigtimedwait() in its own loop. SIGPIPE is ignored, so a peer that closes
// a socket mid-write is an error return (EPIPE), not the end of the process. Signal masks and
// dispositions are per-process state by POSIX; this object is their one owner.
#pragma once

#include <signal.h>

#include <chrono>
#include <optional>

namespace convoy::app {

class ShutdownSignals {
 public:
  ShutdownSignals();
  /// Restores the signal mask the process started with.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  /// Waits up to `timeout` for SIGINT or SIGTERM; the signal's number, or nullopt.
  [[nodiscard]] std::optional<int> wait_for(std::chrono::milliseconds timeout) const;
  /// SIGINT or SIGTERM if one is pending (consumed), without waiting.
  [[nodiscard]] std::optional<int> take_pending() const;
  /// The mask the process started with: a child process restores it before exec.
  [[nodiscard]] const sigset_t& original_mask() const { return original_; }

 private:
  sigset_t set_{};
  sigset_t original_{};
};

}  // namespace convoy::app
