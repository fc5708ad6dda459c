// SuspicionTimers: when each suspected member is to be declared dead. A min-heap of deadlines
// tagged with the member record's generation, so a refutation (which changes the record)
// silently cancels the timer without searching the heap.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace convoy::core {

class SuspicionTimers {
 public:
  struct Timer {
    TimePoint deadline;
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;
    friend bool operator>(const Timer& a, const Timer& b) { return a.deadline > b.deadline; }
  };

  void start(TimePoint deadline, std::uint32_t slot, std::uint64_t generation) {
    heap_.push(Timer{deadline, slot, generation});
  }

  /// Pops every timer due at `now`, calling `expire(const Timer&)` for each; the caller checks
  /// the generation is still current.
  template <class Expire>
  void expire_due(TimePoint now, Expire&& expire) {
    while (!heap_.empty() && heap_.top().deadline <= now) {
      Timer t = heap_.top();
      heap_.pop();
      expire(t);
    }
  }

  [[nodiscard]] bool empty() const { return heap_.empty(); }
  [[nodiscard]] TimePoint next_deadline() const { return heap_.top().deadline; }

 private:
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> heap_;
};

}  // namespace convoy::core
