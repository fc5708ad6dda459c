// Subscription: the filter and the bounded, never-blocking queue between the directory (which
// offers every change) and one subscriber (which polls when it likes).
#include "core/subscription.hpp"

namespace convoy::core {

bool Subscription::wants(const DirectoryEvent& event) const {
  // A loss must always reach the subscriber, whatever it filters on.
  if (event.kind == DirectoryEvent::Kind::overflow) return true;
  if (filter_.member && *filter_.member != event.member) return false;
  if (event.is_member_event()) return filter_.members;
  return filter_.keys && event.key.starts_with(filter_.key_prefix);
}

void Subscription::offer(const DirectoryEvent& event) {
  if (!wants(event)) return;
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

std::optional<DirectoryEvent> Subscription::poll() {
  if (dropped_ > 0) {
    DirectoryEvent overflow;
    overflow.kind = DirectoryEvent::Kind::overflow;
    overflow.dropped = dropped_;
    dropped_ = 0;
    return overflow;
  }
  if (queue_.empty()) return std::nullopt;
  DirectoryEvent next = std::move(queue_.front());
  queue_.pop_front();
  return next;
}

}  // namespace convoy::core
