// Subscription: one subscriber's bounded queue of directory changes. The engine pushes events
// into it and never waits: a subscriber that reads slowly, or never, costs at most `capacity`
// events of memory and cannot stall the protocol. When the queue is full, it is emptied and
// everything offered until the subscriber's next poll is discarded; that poll returns one
// `overflow` event counting what was lost. The subscriber then re-reads the directory, and every
// event it polls afterwards is newer than what it read: a loss is always visible and never
// leaves the subscriber with stale data.
#pragma once

#include <convoy/event.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace convoy::core {

class Subscription {
 public:
  explicit Subscription(EventFilter filter, std::size_t capacity = 1024)
      : filter_(std::move(filter)), capacity_(capacity == 0 ? 1 : capacity) {}

  /// Producer side: queues `event` if it passes the filter. When full, discards the queue and
  /// this event (counted) until the next poll. Never blocks.
  void offer(const Event& event);

  /// Consumer side: the next event, an `overflow` event first if any were dropped since the
  /// last read, or nullopt if there is nothing.
  [[nodiscard]] std::optional<Event> poll();

  [[nodiscard]] const EventFilter& filter() const { return filter_; }
  [[nodiscard]] std::size_t pending() const { return queue_.size() + (dropped_ > 0 ? 1 : 0); }
  /// Events dropped over the subscription's life.
  [[nodiscard]] std::uint64_t dropped_total() const { return dropped_total_; }

 private:
  EventFilter filter_;
  std::size_t capacity_;
  std::deque<Event> queue_;
  std::uint64_t dropped_ = 0;  ///< not yet reported
  std::uint64_t dropped_total_ = 0;
};

}  // namespace convoy::core
