// Subscription: the handle of one directory subscription. Events are delivered to its callback
// on a thread of Convoy's, one at a time, in order, never under an internal lock (a callback may
// call back into the Host). A subscriber that reads too slowly loses events and is told so by one
// `overflow` event; it can then re-read the directory, which is newer than anything it missed.
// Destroying the handle (or cancel()) ends the subscription: no callback starts after cancel()
// returns, unless cancel() is called from the callback itself.
#pragma once

#include <cstdint>
#include <memory>

namespace convoy {

namespace detail {
class SubscriptionState;
}  // namespace detail

class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::shared_ptr<detail::SubscriptionState> state);
  ~Subscription();
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  /// Ends the subscription. Idempotent.
  void cancel();
  /// True until cancel() or the host's end.
  [[nodiscard]] bool active() const;
  /// Events this subscription lost to overflow so far.
  [[nodiscard]] std::uint64_t dropped() const;

 private:
  std::shared_ptr<detail::SubscriptionState> state_;
};

}  // namespace convoy
