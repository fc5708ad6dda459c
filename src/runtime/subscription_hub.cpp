// SubscriptionHub and SubscriptionState: bounded per-subscription queues and the one dispatcher
// thread (see subscription_hub.hpp); also the public Subscription handle.
#include "runtime/subscription_hub.hpp"
#include "runtime/thread_name.hpp"

#include <algorithm>

namespace convoy::detail {

SubscriptionState::SubscriptionState(EventFilter filter, std::function<void(const Event&)> callback,
                                     std::size_t capacity)
    : filter_(std::move(filter)),
      callback_(std::move(callback)),
      capacity_(std::max<std::size_t>(capacity, 1)) {}

bool SubscriptionState::offer(const Event& event) {
  if (!filter_.passes(event)) return false;
  std::lock_guard lock(mutex_);
  if (cancelled_) return false;
  if (dropped_pending_ > 0 || queue_.size() >= capacity_) {
    // Full: drop the backlog and everything until the subscriber catches up; its next event is
    // one `overflow` counting the loss, and everything after it is newer than what it missed.
    const std::uint64_t lost = queue_.size() + 1;
    queue_.clear();
    dropped_pending_ += lost;
    dropped_total_ += lost;
    return true;
  }
  queue_.push_back(event);
  return true;
}

bool SubscriptionState::take(Event& out) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return false;
  if (dropped_pending_ > 0) {
    out = Event{};
    out.kind = Event::Kind::overflow;
    out.dropped = dropped_pending_;
    dropped_pending_ = 0;
    return true;
  }
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void SubscriptionState::deliver(const Event& event) {
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) return;
    running_ = true;
    running_on_ = std::this_thread::get_id();
  }
  try {
    callback_(event);
  } catch (...) {
    // A throwing callback must not take the dispatcher (and every other subscription) down.
  }
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  idle_.notify_all();
}

void SubscriptionState::cancel() {
  std::unique_lock lock(mutex_);
  cancelled_ = true;
  queue_.clear();
  if (running_on_ == std::this_thread::get_id()) return;  // from inside the callback itself
  idle_.wait(lock, [&] { return !running_; });
}

bool SubscriptionState::active() const {
  std::lock_guard lock(mutex_);
  return !cancelled_;
}

std::uint64_t SubscriptionState::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_total_;
}

}  // namespace convoy::detail

namespace convoy {

Subscription::Subscription(std::shared_ptr<detail::SubscriptionState> state)
    : state_(std::move(state)) {}
Subscription::~Subscription() {
  cancel();
}
Subscription::Subscription(Subscription&&) noexcept = default;
Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    state_ = std::move(other.state_);
  }
  return *this;
}
void Subscription::cancel() {
  if (state_) state_->cancel();
}
bool Subscription::active() const {
  return state_ && state_->active();
}
std::uint64_t Subscription::dropped() const {
  return state_ ? state_->dropped() : 0;
}

}  // namespace convoy

namespace convoy::runtime {

SubscriptionHub::SubscriptionHub(std::size_t capacity)
    : capacity_(capacity), dispatcher_([this] {
        runtime::name_this_thread("convoy-events");
        run();
      }) {}

SubscriptionHub::~SubscriptionHub() {
  stop();
}

Subscription SubscriptionHub::subscribe(EventFilter filter,
                                        std::function<void(const Event&)> callback) {
  auto state = std::make_shared<detail::SubscriptionState>(std::move(filter), std::move(callback),
                                                           capacity_);
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(state);
  return Subscription(std::move(state));
}

void SubscriptionHub::offer(const Event& event) {
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(subscriptions_, [](const auto& s) { return !s->active(); });
    for (const auto& s : subscriptions_) queued = s->offer(event) || queued;
    work_ = work_ || queued;
  }
  if (queued) wake_.notify_one();
}

void SubscriptionHub::post(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(callback));
    work_ = true;
  }
  wake_.notify_one();
}

std::size_t SubscriptionHub::count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(subscriptions_.begin(), subscriptions_.end(),
                                                [](const auto& s) { return s->active(); }));
}

std::uint64_t SubscriptionHub::dropped() const {
  std::lock_guard lock(mutex_);
  std::uint64_t n = 0;
  for (const auto& s : subscriptions_) n += s->dropped();
  return n;
}

void SubscriptionHub::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (dispatcher_.joinable()) dispatcher_.join();
}

void SubscriptionHub::run() {
  for (;;) {
    std::vector<std::shared_ptr<detail::SubscriptionState>> subs;
    std::deque<std::function<void()>> calls;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return work_ || stopping_; });
      if (!work_ && stopping_) return;
      work_ = false;
      subs = subscriptions_;
      calls.swap(calls_);
    }
    // Callbacks first (write completions), then events; no lock of ours is held while either
    // runs. Each subscription gets what it has queued, in order.
    for (auto& call : calls) {
      try {
        call();
      } catch (...) {
      }
    }
    Event e;
    for (const auto& s : subs)
      while (s->take(e)) s->deliver(e);
  }
}

}  // namespace convoy::runtime
