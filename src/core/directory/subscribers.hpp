// Subscribers: the fan-out from the engine to every live subscription. Components that change
// what the directory shows (membership, store replicas) publish here; they never learn who
// listens. A subscription lives as long as its holder keeps it: expired ones are dropped lazily.
#pragma once

#include "core/directory/subscription.hpp"

#include <convoy/event.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace convoy::core {

class Subscribers {
 public:
  [[nodiscard]] std::shared_ptr<Subscription> subscribe(EventFilter filter, std::size_t capacity) {
    auto sub = std::make_shared<Subscription>(std::move(filter), capacity);
    subscriptions_.push_back(sub);
    return sub;
  }

  /// Publishers skip building events nobody would receive.
  [[nodiscard]] bool empty() const { return subscriptions_.empty(); }

  void publish(const Event& event) {
    bool expired = false;
    for (const auto& weak : subscriptions_) {
      if (auto sub = weak.lock())
        sub->offer(event);
      else
        expired = true;
    }
    if (expired)
      std::erase_if(subscriptions_,
                    [](const std::weak_ptr<Subscription>& w) { return w.expired(); });
  }

 private:
  std::vector<std::weak_ptr<Subscription>> subscriptions_;
};

}  // namespace convoy::core
