// KeyWatch: see key_watch.hpp.
#include "demo/key_watch.hpp"

#include <nlohmann/json.hpp>

namespace convoy::app {

KeyWatch::KeyWatch(const std::vector<std::string>& http_addresses, std::string owner,
                   std::string key, std::string value)
    : owner_(std::move(owner)),
      key_(std::move(key)),
      value_(std::move(value)),
      arrivals_(http_addresses.size()) {
  const std::string path = "/v1/events?members=0&self=0&prefix=" + url_encode(key_);
  for (std::size_t i = 0; i < http_addresses.size(); ++i) {
    auto w = std::make_unique<Watcher>(http_addresses[i]);
    Watcher* watcher = w.get();
    watcher->thread = std::thread([this, watcher, i, path] {
      try {
        watcher->client.stream(
            path,
            [this, i](const SseEvent& event) {
              const auto now = Clock::now();
              if (event.event != "key_set") return !stopping_.load();
              const auto e = nlohmann::json::parse(event.data, nullptr, false);
              if (e.is_discarded() || e.value("key", "") != key_ ||
                  e.value("member", "") != owner_ || e.value("value", "") != value_)
                return !stopping_.load();
              std::lock_guard lock(mutex_);
              if (!arrivals_[i]) arrivals_[i] = now;
              return false;
            },
            [this] { connected_.fetch_add(1); });
      } catch (const std::exception&) {
        // An agent that cannot be reached simply never delivers: the demo reports who did not.
      }
      watcher->finished = true;
    });
    watchers_.push_back(std::move(w));
  }
}

KeyWatch::~KeyWatch() {
  stopping_ = true;
  for (auto& w : watchers_) {
    // stop() interrupts a request in flight; repeat it in case the request had not started yet.
    while (!w->finished.load()) {
      w->client.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    w->thread.join();
  }
}

std::vector<std::optional<KeyWatch::Clock::time_point>> KeyWatch::arrivals() const {
  std::lock_guard lock(mutex_);
  return arrivals_;
}

std::size_t KeyWatch::seen() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& a : arrivals_) n += a.has_value() ? 1 : 0;
  return n;
}

}  // namespace convoy::app
