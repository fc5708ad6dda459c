// EventLoop: runs an io_context on the test's own thread until a condition holds or a deadline
// passes. Tests wait for conditions, never for time: a passing test takes as long as the network
// takes, and a failing one fails at the deadline instead of hanging. Running the loop on the
// test thread also makes the test thread the io thread, which is what Transport requires.
#pragma once

#include "runtime/asio_config.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <chrono>

namespace convoy::runtime::testing {

/// Generous: loaded CI machines under TSan are slow, and a passing test never waits this long.
inline constexpr std::chrono::milliseconds default_wait{10000};

class EventLoop {
 public:
  asio::io_context& io() { return io_; }

  /// Runs handlers until done() is true (true) or `limit` has passed (false).
  template <typename Condition>
  bool run_until(Condition&& done, std::chrono::milliseconds limit = default_wait) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  /// Runs whatever is ready now, without waiting.
  void drain() { io_.poll(); }

 private:
  asio::io_context io_;
  // Keeps run_one_for() waiting for the next event instead of returning when nothing is pending.
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
};

}  // namespace convoy::runtime::testing
