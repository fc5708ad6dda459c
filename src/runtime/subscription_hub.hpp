// SubscriptionHub: delivers directory events to the program's subscriptions. The protocol
// thread offers each event; every subscription keeps its own bounded queue (full: the backlog is
// dropped and one `overflow` event says how much, as the core's subscriptions do), and one
// dispatcher thread of Convoy's calls the callbacks, one event at a time per subscription, in
// order, never while holding a lock of ours — so a callback may call back into the Host, and a
// slow one delays only deliveries, never the protocol.
#pragma once

#include <convoy/event.hpp>
#include <convoy/subscription.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace convoy::detail {

/// One subscription's queue and callback, shared between its handle and the hub.
class SubscriptionState {
 public:
  SubscriptionState(EventFilter filter, std::function<void(const Event&)> callback,
                    std::size_t capacity);

  /// Protocol thread: queues `event` if it passes the filter; true if it did (or overflowed).
  bool offer(const Event& event);
  /// Dispatcher: takes the next event to deliver, if any (an overflow report first).
  bool take(Event& out);
  /// Dispatcher: calls the callback unless cancelled, with no lock held while it runs.
  void deliver(const Event& event);

  /// Ends the subscription; waits for a running callback to return, unless called from it.
  void cancel();
  [[nodiscard]] bool active() const;
  [[nodiscard]] std::uint64_t dropped() const;

 private:
  const EventFilter filter_;
  const std::function<void(const Event&)> callback_;
  const std::size_t capacity_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<Event> queue_;
  std::uint64_t dropped_pending_ = 0;
  std::uint64_t dropped_total_ = 0;
  bool cancelled_ = false;
  bool running_ = false;
  std::thread::id running_on_;
};

}  // namespace convoy::detail

namespace convoy::runtime {

class SubscriptionHub {
 public:
  explicit SubscriptionHub(std::size_t capacity);
  ~SubscriptionHub();
  SubscriptionHub(const SubscriptionHub&) = delete;
  SubscriptionHub& operator=(const SubscriptionHub&) = delete;

  /// Any thread: a new subscription.
  [[nodiscard]] Subscription subscribe(EventFilter filter,
                                       std::function<void(const Event&)> callback);
  /// Protocol thread: hands `event` to every subscription that wants it.
  void offer(const Event& event);
  /// Protocol thread: `callback` will run on the dispatcher thread, in order with events.
  void post(std::function<void()> callback);

  /// Active subscriptions and events they dropped (any thread).
  [[nodiscard]] std::size_t count() const;
  [[nodiscard]] std::uint64_t dropped() const;

  /// Delivers what is queued, then stops the dispatcher. Idempotent.
  void stop();

 private:
  void run();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<detail::SubscriptionState>> subscriptions_;
  std::deque<std::function<void()>> calls_;
  bool work_ = false;
  bool stopping_ = false;
  std::thread dispatcher_;
};

}  // namespace convoy::runtime
