// ElasticTaskQueue: the HTTP server's threads. HttpServer serves each connection on one thread
// for as long as the connection lives, and an event stream lives for hours; with a fixed pool
// (cpp-httplib's, which the agent used before, had 8 threads), eight idle dashboards would leave
// no thread for any other request. This queue hands a connection to an idle thread, or starts one
// when none is idle (up to `max_threads`), and lets a thread that stays idle for `idle_exit` end,
// keeping `min_idle`: an agent nobody talks to holds a couple of threads, not a pool.
//
// Idle threads are woken last-in first-out: a steady trickle of requests keeps reusing the same
// few threads, so the others really are idle and end (with a shared condition variable, the
// trickle would wake each in turn and keep them all alive). The agent sizes max_threads as event
// streams allowed plus connections allowed, so streams cannot take the threads of ordinary
// requests: the stream route refuses a stream beyond its own limit before holding a thread.
#pragma once

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

class ElasticTaskQueue {
 public:
  ElasticTaskQueue(std::size_t max_threads, std::size_t min_idle,
                   std::chrono::milliseconds idle_exit);
  ~ElasticTaskQueue();
  ElasticTaskQueue(const ElasticTaskQueue&) = delete;
  ElasticTaskQueue& operator=(const ElasticTaskQueue&) = delete;

  /// Runs `fn` on an idle thread, a new one, or (all `max_threads` busy) the first to be free.
  /// Dropped after shutdown().
  void enqueue(std::function<void()> fn);
  /// Runs what is queued, then joins every thread.
  void shutdown();

  [[nodiscard]] std::size_t threads() const;
  [[nodiscard]] std::size_t idle() const;

 private:
  struct Worker {
    std::thread thread;
    std::condition_variable wake;
    std::function<void()> job;  ///< handed over by enqueue() while the worker was idle
  };
  using Workers = std::list<Worker>;

  void spawn_locked(std::function<void()> first_job);
  void work(Workers::iterator self, std::function<void()> job);
  void join_finished();

  const std::size_t max_threads_;
  const std::size_t min_idle_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  Workers workers_;
  std::vector<Worker*> idle_;  ///< a stack: the most recently idle worker on top
  std::deque<std::function<void()>> backlog_;
  std::vector<std::thread> finished_;
  bool shutdown_ = false;
};

}  // namespace convoy::app
