// HostCluster: many real hosts in one process on 127.0.0.1 (or ::1), for the runtime's
// integration tests — with a vocabulary of waits that poll a condition until it holds or a
// generous deadline passes (never a fixed sleep), and the timings of Config::local().
#pragma once

#include <convoy/host.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace convoy::test {

/// A ThreadSanitizer build runs everything 5 to 15 times slower: tests of timing-sensitive
/// outcomes (nobody falsely suspected) give such a build slower protocol timings.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

/// Polls `condition` every 5 ms until it holds (true) or `limit` passes (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

inline HostOptions local_options(const std::string& bind = "127.0.0.1") {
  HostOptions o;
  o.bind_host = bind;
  o.port = 0;
  o.config = Config::local();
  o.join_timeout = std::chrono::seconds(20);
  o.leave_timeout = std::chrono::seconds(2);
  o.log_level = LogLevel::warn;
  return o;
}

inline std::string seed_of(const Host& h) {
  return h.address().to_string();
}

using Tune = std::function<void(HostOptions&, std::size_t)>;

class HostCluster {
 public:
  /// Starts `n` hosts bound to `bind` (127.0.0.1 or ::1): the first alone, the others joining
  /// through it. `tune` adjusts each host's options (it gets the host's index).
  explicit HostCluster(std::size_t n, const Tune& tune = {}, std::string bind = "127.0.0.1")
      : bind_(std::move(bind)) {
    for (std::size_t i = 0; i < n; ++i) add(tune);
  }

  /// Every host leaves at once (each in its own thread): one after another, 64 graceful leaves
  /// would take longer than the test.
  ~HostCluster() {
    std::vector<std::thread> leaving;
    for (auto& h : hosts_)
      if (h) leaving.emplace_back([&h] { h.reset(); });
    for (std::thread& t : leaving) t.join();
  }
  HostCluster(HostCluster&&) noexcept = default;
  HostCluster& operator=(HostCluster&&) noexcept = default;

  Host& add(const Tune& tune = {}) {
    HostOptions o = local_options(bind_);
    if (tune) tune(o, hosts_.size());
    if (hosts_.empty())
      hosts_.push_back(Host::start(std::move(o)));
    else
      hosts_.push_back(Host::join(std::move(o), {seed_of(*hosts_.front())}));
    return *hosts_.back();
  }

  Host& operator[](std::size_t i) { return *hosts_.at(i); }
  [[nodiscard]] std::size_t size() const { return hosts_.size(); }
  std::vector<std::unique_ptr<Host>>& hosts() { return hosts_; }

  /// Every running host sees exactly the running hosts, alive.
  [[nodiscard]] bool converged() const {
    std::size_t up = 0;
    for (const auto& h : hosts_) up += h && h->running() ? 1 : 0;
    for (const auto& h : hosts_) {
      if (!h || !h->running()) continue;
      const auto all = h->directory().all();
      if (all.size() != up) return false;
      for (const auto& m : all)
        if (m.status != MemberStatus::alive) return false;
    }
    return true;
  }

  /// Every running host but `id` itself sees member `id` in `status`.
  [[nodiscard]] bool status_everywhere(const MemberId& id, MemberStatus status) const {
    for (const auto& h : hosts_) {
      if (!h || !h->running() || h->id() == id) continue;
      const auto m = h->directory().member(id).info();
      if (!m || m->status != status) return false;
    }
    return true;
  }

  /// Every running host reads `value` at `key` in `owner`'s store.
  [[nodiscard]] bool value_everywhere(const MemberId& owner, const std::string& key,
                                      const std::string& value) const {
    for (const auto& h : hosts_) {
      if (!h || !h->running()) continue;
      const auto v = h->directory().value(owner, key);
      if (!v || v->value != value) return false;
    }
    return true;
  }

 private:
  std::string bind_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

}  // namespace convoy::test
