// EventQueue: the simulator's agenda. Ordered by (time, insertion sequence) so that events due
// at the same instant run in the order they were scheduled, which is what makes a run a pure
// function of its seed. Built for tens of millions of events: the heap holds 16-byte keys and
// the bulky events stay put in a slab, so sifting moves little memory and events are plain
// tagged structs rather than allocated closures.
#pragma once

#include "core/time.hpp"
#include "sim/port.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace convoy::sim {

/// One thing due to happen. A tagged struct rather than a callable: no allocation per event
/// beyond the payload bytes, which are moved in and out, never copied.
struct SimEvent {
  enum class Kind : std::uint8_t {
    datagram,  ///< bytes from `from` arrive at `to`
    stream,    ///< stream message from `from` arrives at `to`; `generation` is the target's,
               ///< `from_generation` the sender's (the connection's other end)
    reply,     ///< like stream, on a connection `to` opened: `from` is the address it dialled
    timer,     ///< `to`'s timer, valid only if `token` is still the slot's current token
    action,    ///< scenario callback number `token`
  };

  Kind kind = Kind::timer;
  Slot from = 0;
  Slot to = 0;
  std::uint32_t generation = 0;
  std::uint32_t from_generation = 0;
  std::uint64_t token = 0;
  std::vector<std::uint8_t> bytes;
};

class EventQueue {
 public:
  void push(core::TimePoint at, SimEvent&& event);

  /// Moves the earliest event (the first scheduled among equals) into `out`; returns its time.
  /// The queue must not be empty.
  core::TimePoint pop(SimEvent& out);

  /// Time of the earliest event. The queue must not be empty.
  [[nodiscard]] core::TimePoint next_time() const {
    return core::TimePoint(core::Duration(heap_.front().at));
  }
  [[nodiscard]] bool empty() const { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const { return heap_.size(); }
  /// Events ever pushed: a cheap fingerprint of how busy a run was.
  [[nodiscard]] std::uint64_t pushed() const { return next_seq_; }

 private:
  // 16 bytes, so the four children of a heap node fill one cache line. `order` packs the
  // insertion sequence (high 40 bits: a trillion events) above the slab index (low 24 bits:
  // 16 million events queued at once); push() throws rather than wrap either.
  struct Key {
    core::Duration::rep at;
    std::uint64_t order;
  };
  static constexpr unsigned kIndexBits = 24;
  static constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;
  static constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << (64 - kIndexBits)) - 1;
  static bool before(const Key& a, const Key& b) {
    // Sequence numbers are unique, so comparing `order` compares them.
    return a.at < b.at || (a.at == b.at && a.order < b.order);
  }
  void sift_up(std::size_t hole, Key key);
  void sift_down(std::size_t hole, Key key);

  // A 4-ary heap: half the depth of a binary one, and the four children of a node share a
  // cache line.
  static constexpr std::size_t kArity = 4;
  std::vector<Key> heap_;
  std::vector<SimEvent> slab_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace convoy::sim
