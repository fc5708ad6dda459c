// SpreadTimer: see spread_timer.hpp.
#include "bench/spread_timer.hpp"

#include <algorithm>

namespace convoy::app {

SpreadTimer::SpreadTimer(HostCluster& cluster) : cluster_(cluster), arrivals_(cluster.size()) {
  EventFilter filter;
  filter.members = false;
  filter.self = false;
  filter.key_prefix = kKey;
  subscriptions_.reserve(cluster.size());
  for (std::size_t i = 0; i < cluster.size(); ++i) {
    subscriptions_.push_back(
        cluster.host(i).directory().subscribe(filter, [this, i](const Event& e) {
          if (e.kind == Event::Kind::key_set && e.key == kKey) arrived(i, e.value);
        }));
  }
}

SpreadTimer::~SpreadTimer() {
  for (auto& s : subscriptions_) s.cancel();
}

void SpreadTimer::arrived(std::size_t host, const std::string& value) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (value != awaited_ || host == writer_ || arrivals_[host]) return;
  arrivals_[host] = now;
  ++arrived_;
  changed_.notify_all();
}

std::optional<SpreadTimer::Spread> SpreadTimer::measure(std::size_t writer,
                                                        std::chrono::milliseconds timeout) {
  const std::size_t others = cluster_.size() - 1;
  {
    std::lock_guard lock(mutex_);
    awaited_ = "trial-" + std::to_string(++trial_);
    writer_ = writer;
    std::fill(arrivals_.begin(), arrivals_.end(), std::nullopt);
    arrived_ = 0;
  }
  const auto start = std::chrono::steady_clock::now();
  cluster_.host(writer).store().put(kKey, awaited_);
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, start + timeout, [&] { return arrived_ == others; }))
    return std::nullopt;
  std::vector<std::chrono::nanoseconds> took;
  took.reserve(others);
  for (const auto& at : arrivals_)
    if (at) took.push_back(*at - start);
  std::sort(took.begin(), took.end());
  if (took.empty()) return Spread{};
  return Spread{took[took.size() / 2], took.back()};
}

}  // namespace convoy::app
