// Subscription: the bounded, never-blocking queue between the engine (which offers every change)
// and one subscriber (which polls when it likes).
#include "core/directory/subscription.hpp"

namespace convoy::core {

void Subscription::offer(const Event& event) {
  if (!filter_.passes(event)) return;
  if (dropped_ > 0 || queue_.size() >= capacity_) {
    // Full: discard everything queued, and keep discarding until the subscriber reads. Its next
    // poll says "overflow": it re-reads the directory, which is then newer than any discarded
    // event, and every event after that is newer still. Keeping the old queue instead would
    // hand it stale events after its re-read (a=1 delivered after it read a=2).
    const std::uint64_t lost = queue_.size() + 1;
    queue_.clear();
    dropped_ += lost;
    dropped_total_ += lost;
    return;
  }
  queue_.push_back(event);
}

std::optional<Event> Subscription::poll() {
  if (dropped_ > 0) {
    Event overflow;
    overflow.kind = Event::Kind::overflow;
    overflow.dropped = dropped_;
    dropped_ = 0;
    return overflow;
  }
  if (queue_.empty()) return std::nullopt;
  Event next = std::move(queue_.front());
  queue_.pop_front();
  return next;
}

}  // namespace convoy::core
