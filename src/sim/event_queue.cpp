// EventQueue: the heap operations, written out with the "hole" technique so each level costs one
// key move instead of a swap.
#include "sim/event_queue.hpp"

#include <cassert>
#include <stdexcept>
#include <utility>

namespace convoy::sim {

void EventQueue::push(core::TimePoint at, SimEvent&& event) {
  if (next_seq_ > kMaxSeq) throw std::length_error("sim: event sequence numbers exhausted");
  std::uint32_t index = 0;
  if (free_.empty()) {
    if (slab_.size() > kIndexMask) throw std::length_error("sim: too many events queued");
    index = static_cast<std::uint32_t>(slab_.size());
    slab_.push_back(std::move(event));
  } else {
    index = free_.back();
    free_.pop_back();
    slab_[index] = std::move(event);
  }
  heap_.push_back({});
  sift_up(heap_.size() - 1,
          Key{at.time_since_epoch().count(), (next_seq_++ << kIndexBits) | index});
}

core::TimePoint EventQueue::pop(SimEvent& out) {
  assert(!heap_.empty());
  const Key top = heap_.front();
  const Key last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
  const auto index = static_cast<std::uint32_t>(top.order & kIndexMask);
  out = std::move(slab_[index]);
  free_.push_back(index);
  // The next event is known now and will be read soon: start fetching it while this one runs.
  if (!heap_.empty()) __builtin_prefetch(&slab_[heap_.front().order & kIndexMask]);
  return core::TimePoint(core::Duration(top.at));
}

void EventQueue::sift_up(std::size_t hole, Key key) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(key, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = key;
}

void EventQueue::sift_down(std::size_t hole, Key key) {
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    if (first >= n) break;
    const std::size_t end = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], key)) break;
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = key;
}

}  // namespace convoy::sim
