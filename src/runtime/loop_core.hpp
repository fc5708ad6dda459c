// LoopCore: what an EventLoop is inside: an Asio io_context and the one thread that runs it until
// the loop is destroyed. Hosts on it post their turns, own their sockets and timers on it, and
// tell whether they are on its thread by its id.
#pragma once

#include "runtime/asio_config.hpp"

#include <asio.hpp>

#include <memory>
#include <thread>

namespace convoy::detail {

class LoopCore {
 public:
  LoopCore();
  ~LoopCore();
  LoopCore(const LoopCore&) = delete;
  LoopCore& operator=(const LoopCore&) = delete;

  [[nodiscard]] asio::io_context& io() { return *io_; }
  [[nodiscard]] bool on_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  std::unique_ptr<asio::io_context> io_;  ///< on the heap: see the destructor
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace convoy::detail
