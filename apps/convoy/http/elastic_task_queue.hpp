// ElasticTaskQueue: the HTTP server's threads. httplib serves each connection on one thread of
// its TaskQueue for as long as the connection lives, and an event stream lives for hours; with
// httplib's fixed pool (8 threads here), eight idle dashboards would leave no thread for any
// other request. This queue starts a thread when a connection arrives and none is idle (up to
// `max_threads`) and lets a thread that stays idle for `idle_exit` end, so an agent nobody talks
// to keeps only `min_idle` threads. The agent sizes max_threads as event streams allowed plus
// connections allowed, so streams cannot take the threads of ordinary requests: the stream route
// refuses a stream beyond its own limit before it holds a thread for long.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace convoy::app {

class ElasticTaskQueue final : public httplib::TaskQueue {
 public:
  ElasticTaskQueue(std::size_t max_threads, std::size_t min_idle,
                   std::chrono::milliseconds idle_exit);
  ~ElasticTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  /// Runs what is queued, then joins every thread.
  void shutdown() override;

  [[nodiscard]] std::size_t threads() const;
  [[nodiscard]] std::size_t busy() const;

 private:
  using Workers = std::list<std::thread>;
  void spawn_locked();
  void work(Workers::iterator self);
  void join_finished();

  const std::size_t max_threads_;
  const std::size_t min_idle_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  Workers workers_;
  std::vector<std::thread> finished_;
  std::size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace convoy::app
