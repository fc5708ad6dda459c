// ElasticTaskQueue: see elastic_task_queue.hpp.
#include "http1/elastic_task_queue.hpp"

#include <algorithm>

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
  std::lock_guard lock(mutex_);
  if (shutdown_) return;
  if (!idle_.empty()) {
    Worker* w = idle_.back();
    idle_.pop_back();
    w->job = std::move(fn);
    w->wake.notify_one();
  } else if (workers_.size() < max_threads_) {
    spawn_locked(std::move(fn));
  } else {
    backlog_.push_back(std::move(fn));
  }
}

void ElasticTaskQueue::spawn_locked(std::function<void()> first_job) {
  auto self = workers_.emplace(workers_.end());
  // The new thread touches `self` only under mutex_, which the caller holds until it is set.
  self->thread = std::thread(
      [this, self, job = std::move(first_job)]() mutable { work(self, std::move(job)); });
}

void ElasticTaskQueue::work(Workers::iterator self, std::function<void()> job) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (job) {
      lock.unlock();
      job();
      job = nullptr;
      lock.lock();
      continue;
    }
    if (!backlog_.empty()) {
      job = std::move(backlog_.front());
      backlog_.pop_front();
      continue;
    }
    if (shutdown_) return;
    idle_.push_back(&*self);
    const bool woken =
        self->wake.wait_for(lock, idle_exit_, [&] { return self->job || shutdown_; });
    if (self->job) {  // enqueue() took us off the idle stack when it handed the job over
      job = std::move(self->job);
      self->job = nullptr;
      continue;
    }
    idle_.erase(std::find(idle_.begin(), idle_.end(), &*self));
    if (shutdown_) return;
    if (!woken && idle_.size() >= min_idle_) {
      // Idle long enough, and enough others are idle: hand our handle over to be joined.
      finished_.push_back(std::move(self->thread));
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
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    for (Worker& w : workers_) w.wake.notify_one();
  }
  // Workers run the backlog, then return; none removes itself once shutdown_ is set, so the
  // list is stable while joined.
  for (;;) {
    std::thread t;
    {
      std::lock_guard lock(mutex_);
      auto it = std::find_if(workers_.begin(), workers_.end(),
                             [](const Worker& w) { return w.thread.joinable(); });
      if (it == workers_.end()) break;
      t = std::move(it->thread);
    }
    t.join();
  }
  join_finished();
  std::lock_guard lock(mutex_);
  workers_.clear();
  idle_.clear();
}

std::size_t ElasticTaskQueue::threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

std::size_t ElasticTaskQueue::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace convoy::app
