// Subscription: one subscriber's view of directory changes. The directory pushes events into a
// bounded queue and never waits: a subscriber that reads slowly, or never, costs at most
// `capacity` events of memory and cannot stall the protocol. When the queue is full, it is
// emptied and everything offered until the subscriber's next poll is discarded; that poll
// returns one `overflow` event counting what was lost. The subscriber then re-reads the
// directory, and every event it polls afterwards is newer than what it read: a loss is always
// visible and never leaves the subscriber with stale data.
#pragma once

#include <convoy/member_id.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace convoy::core {

struct DirectoryEvent {
  enum class Kind : std::uint8_t {
    member_joined,
    member_suspect,
    member_alive,  ///< alive again after suspicion or death
    member_dead,
    member_left,
    member_evicted,
    key_set,
    key_deleted,
    overflow,  ///< `dropped` events were lost here because the queue was full
  };
  Kind kind = Kind::overflow;
  MemberId member;
  std::uint64_t incarnation = 0;  ///< member events
  std::string key;                ///< key events
  std::string value;              ///< key_set
  std::uint64_t version = 0;      ///< key events: the item's version
  std::uint64_t dropped = 0;      ///< overflow

  [[nodiscard]] bool is_member_event() const {
    return kind != Kind::key_set && kind != Kind::key_deleted && kind != Kind::overflow;
  }
};

/// Which events a subscription receives.
struct SubscriptionFilter {
  bool members = true;             ///< membership changes
  bool keys = true;                ///< key set / deleted
  std::optional<MemberId> member;  ///< only this member's events
  std::string key_prefix;          ///< key events: only keys starting with this
};

class Subscription {
 public:
  explicit Subscription(SubscriptionFilter filter, std::size_t capacity = 1024)
      : filter_(std::move(filter)), capacity_(capacity == 0 ? 1 : capacity) {}

  /// Whether `event` passes this subscription's filter.
  [[nodiscard]] bool wants(const DirectoryEvent& event) const;

  /// Producer side: queues `event` if it passes the filter. When full, discards the queue and
  /// this event (counted) until the next poll. Never blocks.
  void offer(const DirectoryEvent& event);

  /// Consumer side: the next event, an `overflow` event first if any were dropped since the
  /// last read, or nullopt if there is nothing.
  [[nodiscard]] std::optional<DirectoryEvent> poll();

  [[nodiscard]] std::size_t pending() const { return queue_.size() + (dropped_ > 0 ? 1 : 0); }
  /// Events dropped over the subscription's life.
  [[nodiscard]] std::uint64_t dropped_total() const { return dropped_total_; }

 private:
  SubscriptionFilter filter_;
  std::size_t capacity_;
  std::deque<DirectoryEvent> queue_;
  std::uint64_t dropped_ = 0;  ///< not yet reported
  std::uint64_t dropped_total_ = 0;
};

}  // namespace convoy::core
