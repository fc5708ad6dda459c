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
#include <vector>

namespace convoy::test {

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

class HostCluster {
 public:
  /// Starts `n` hosts: the first alone, the others joining through it.
  explicit HostCluster(std::size_t n,
                       const std::function<void(HostOptions&, std::size_t)>& tune = {}) {
    for (std::size_t i = 0; i < n; ++i) add(tune);
  }

  Host& add(const std::function<void(HostOptions&, std::size_t)>& tune = {}) {
    HostOptions o = local_options();
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

 private:
  std::vector<std::unique_ptr<Host>> hosts_;
};

}  // namespace convoy::test
