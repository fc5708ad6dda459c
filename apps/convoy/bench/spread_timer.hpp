// SpreadTimer: how long a put takes to reach every other host of a HostCluster over real
// sockets. Every host subscribes to one benchmark key; a trial puts a fresh value at one host and
// takes the time each other host's subscription is told of it (the host's directory holds it by
// then: events are released after the snapshot that shows them).
#pragma once

#include "bench/host_cluster.hpp"

#include <convoy/subscription.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace convoy::app {

class SpreadTimer {
 public:
  /// Subscribes on every host of `cluster`, which must outlive this.
  explicit SpreadTimer(HostCluster& cluster);
  ~SpreadTimer();
  SpreadTimer(const SpreadTimer&) = delete;
  SpreadTimer& operator=(const SpreadTimer&) = delete;

  struct Spread {
    std::chrono::nanoseconds median{0};  ///< half of the other hosts had it by then
    std::chrono::nanoseconds last{0};    ///< every other host had it
  };
  /// One trial: a put at host `writer`, timed from just before the call. nullopt if some host
  /// was not told within `timeout`.
  std::optional<Spread> measure(std::size_t writer, std::chrono::milliseconds timeout);

  static constexpr const char* kKey = "convoy-bench.spread";

 private:
  void arrived(std::size_t host, const std::string& value);

  HostCluster& cluster_;
  std::vector<Subscription> subscriptions_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string awaited_;  ///< the value of the running trial
  std::size_t writer_ = 0;
  std::vector<std::optional<std::chrono::steady_clock::time_point>> arrivals_;
  std::size_t arrived_ = 0;
  std::uint64_t trial_ = 0;
};

}  // namespace convoy::app
