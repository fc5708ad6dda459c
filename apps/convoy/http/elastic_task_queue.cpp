// ElasticTaskQueue: see elastic_task_queue.hpp.
#include "http/elastic_task_queue.hpp"

namespace convoy::app {

ElasticTaskQueue::ElasticTaskQueue(std::size_t max_threads, std::size_t min_idle,
                                   std::chrono::milliseconds idle_exit)
    : max_threads_(std::max<std::size_t>(1, max_threads)),
      min_idle_(min_idle),
      idle_exit_(idle_exit) {}

ElasticTaskQueue::~ElasticTaskQueue() {
  shutdown();
}

void ElasticTaskQueue::enqueue(std::function<void()> fn) {
  join_finished();
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return;
    jobs_.push_back(std::move(fn));
    // Invariant: idle_ counts threads waiting for a job; each queued job needs one.
    if (idle_ < jobs_.size() && workers_.size() < max_threads_) spawn_locked();
  }
  wake_.notify_one();
}

void ElasticTaskQueue::spawn_locked() {
  auto self = workers_.emplace(workers_.end());
  // The new thread touches `self` only under mutex_, which the caller holds until it is set.
  *self = std::thread([this, self] { work(self); });
}

void ElasticTaskQueue::work(Workers::iterator self) {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    const bool woken =
        wake_.wait_for(lock, idle_exit_, [&] { return shutdown_ || !jobs_.empty(); });
    --idle_;
    if (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      continue;
    }
    if (shutdown_) return;
    if (!woken && idle_ >= min_idle_) {
      // Idle long enough, and enough others are idle: hand our handle over to be joined.
      finished_.push_back(std::move(*self));
      workers_.erase(self);
      return;
    }
  }
}

void ElasticTaskQueue::join_finished() {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(finished_);
  }
  for (auto& t : done)
    if (t.joinable()) t.join();
}

void ElasticTaskQueue::shutdown() {
  Workers workers;
  {
    std::lock_guard lock(mutex_);
    if (shutdown_ && workers_.empty() && finished_.empty()) return;
    shutdown_ = true;
  }
  wake_.notify_all();
  // Workers finish the queued jobs, then return; none removes itself once shutdown_ is set.
  for (;;) {
    std::thread t;
    {
      std::lock_guard lock(mutex_);
      if (workers_.empty()) break;
      t = std::move(workers_.front());
      workers_.pop_front();
    }
    if (t.joinable()) t.join();
  }
  join_finished();
}

std::size_t ElasticTaskQueue::threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

std::size_t ElasticTaskQueue::busy() const {
  std::lock_guard lock(mutex_);
  return workers_.size() - idle_;
}

}  // namespace convoy::app
