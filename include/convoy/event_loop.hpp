// EventLoop: one protocol thread that several hosts of a process share. By default every Host
// runs its engine, its sockets and its timers on a thread of its own, as a member alone in its
// process should. A process that runs many members (a test harness, a simulator of a fleet, a
// proxy that speaks for many services) can give them one EventLoop instead: their datagrams and
// timers are then served by one thread, which takes whatever is ready in one wakeup rather
// than waking a thread per member for each datagram. On a machine where a wakeup is dear (a
// virtual machine: tens of microseconds), that is most of an idle member's CPU. Each host's
// engine still runs on one thread only, the loop's, and every public method of a Host may still
// be called from any thread. The trade: hosts on one loop wait for each other's turns, so give
// a loop no more members than one core can serve (`convoy bench --hosts-per-loop` measures it).
//
//   auto loop = std::make_shared<convoy::EventLoop>();
//   convoy::HostOptions options;
//   options.event_loop = loop;  // every host started with these options shares the thread
#pragma once

#include <memory>

namespace convoy {

namespace detail {
class LoopCore;
}  // namespace detail

class EventLoop {
 public:
  /// Starts the thread.
  EventLoop();
  /// Stops and joins the thread. Hosts hold a reference to their loop, so it ends after the
  /// last of them (do not destroy a Host on its loop's thread, from a log sink say).
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// The runtime's side (not for programs).
  [[nodiscard]] detail::LoopCore& core() const { return *core_; }

 private:
  std::unique_ptr<detail::LoopCore> core_;
};

}  // namespace convoy
