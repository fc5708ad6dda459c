// KeyWatch: measures when a write becomes visible through every agent's API. It holds one event
// stream (/v1/events, key events under one prefix) open on each agent, and notes the moment each
// agent delivers the awaited key_set: "visible everywhere" as a client of each agent sees it,
// delivery to SSE clients included. One thread per stream; stopped and joined on destruction.
#pragma once

#include "client/agent_client.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace convoy::app {

class KeyWatch {
 public:
  using Clock = std::chrono::steady_clock;

  /// Watches for `key` = `value` in member `owner`'s store, on every agent of `http_addresses`.
  KeyWatch(const std::vector<std::string>& http_addresses, std::string owner, std::string key,
           std::string value);
  ~KeyWatch();
  KeyWatch(const KeyWatch&) = delete;
  KeyWatch& operator=(const KeyWatch&) = delete;

  /// How many streams the agents have accepted so far.
  [[nodiscard]] std::size_t connected() const { return connected_.load(); }
  /// When each agent delivered the event (nullopt: not yet).
  [[nodiscard]] std::vector<std::optional<Clock::time_point>> arrivals() const;
  [[nodiscard]] std::size_t seen() const;

 private:
  struct Watcher {
    explicit Watcher(const std::string& address) : client(address, std::chrono::seconds(120)) {}
    AgentClient client;
    std::thread thread;
    std::atomic<bool> finished{false};
  };

  std::string owner_, key_, value_;
  std::atomic<std::size_t> connected_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::optional<Clock::time_point>> arrivals_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
};

}  // namespace convoy::app
