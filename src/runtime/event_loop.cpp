// EventLoop and LoopCore: see include/convoy/event_loop.hpp and loop_core.hpp.
#include "runtime/loop_core.hpp"
#include "runtime/thread_name.hpp"

#include <convoy/event_loop.hpp>

namespace convoy {

namespace detail {

LoopCore::LoopCore()
    : io_(std::make_unique<asio::io_context>()),
      work_(asio::make_work_guard(*io_)),
      thread_([io = io_.get()] {
        runtime::name_this_thread("convoy-loop");
        io->run();
      }) {}

LoopCore::~LoopCore() {
  work_.reset();
  io_->stop();
  if (!on_thread()) {
    thread_.join();
    return;
  }
  // The last reference went with a host destroyed on this very thread (unsupported, but it must
  // not crash): the thread cannot join itself, and it is still inside the handler that got here
  // and will look at the io_context once that returns. Let it end on its own and leave the
  // io_context to it, leaked, rather than freed under its feet.
  thread_.detach();
  static_cast<void>(io_.release());
}

}  // namespace detail

EventLoop::EventLoop() : core_(std::make_unique<detail::LoopCore>()) {}

EventLoop::~EventLoop() = default;

}  // namespace convoy
