// BroadcastQueue: *what* to piggyback next, independent of *when* packets go out (probe acks,
// gossip ticks, or a future eager push all draw from the same queue).
//
// An entry names an item by an opaque key (a member-table slot, or kSelf) plus the generation
// of the item when it was queued. Entries sit in buckets by how many times they have been sent;
// selection takes the least-sent first and, within a bucket, the most recently queued first,
// so fresh news overtakes old news. A newer version of an item is simply queued again: the old
// entry's generation no longer matches and it is dropped when met (the owner of the items says
// so through the visitor's verdict). An entry leaves after `limit` sends.
//
// Invariant: an entry is counted as sent only when the visitor says it went into a packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace convoy::core {

class BroadcastQueue {
 public:
  static constexpr std::uint32_t kSelf = 0xFFFFFFFEu;

  struct Entry {
    std::uint32_t key = 0;
    std::uint64_t generation = 0;
  };

  /// What the visitor did with an entry offered to it.
  enum class Verdict : std::uint8_t {
    taken,  ///< put into the packet: counts as one send
    stale,  ///< superseded or gone: drop it
    full,   ///< did not fit: keep it, and stop offering
  };

  /// Queues a fresh item (zero sends so far).
  void push(std::uint32_t key, std::uint64_t generation) {
    if (buckets_.empty()) buckets_.emplace_back();
    buckets_[0].push_back(Entry{key, generation});
    ++size_;
  }

  /// Offers entries to `visit(const Entry&) -> Verdict` in priority order until it answers
  /// `full` or the queue is exhausted. Entries sent `limit` times are dropped.
  template <class Visitor>
  void select(std::uint32_t limit, Visitor&& visit) {
    moved_.clear();
    bool stop = false;
    for (std::size_t sends = 0; sends < buckets_.size() && !stop; ++sends) {
      std::vector<Entry>& bucket = buckets_[sends];
      if (sends >= limit) {  // the limit shrank (the cluster did): these are done
        size_ -= bucket.size();
        bucket.clear();
        continue;
      }
      // Walk newest (back) to oldest. Taken and stale entries leave; the first that does not
      // fit stays and ends the walk, so every visited entry but that one is removed from the
      // back: a resize, never a shift of the untouched older entries.
      std::size_t end = bucket.size();
      while (end > 0) {
        const Entry entry = bucket[end - 1];
        Verdict verdict = visit(entry);
        if (verdict == Verdict::full) {
          stop = true;
          break;
        }
        if (verdict == Verdict::taken && sends + 1 < limit) moved_.push_back({sends + 1, entry});
        --size_;
        --end;
      }
      bucket.resize(end);
    }
    for (const auto& [sends, entry] : moved_) {
      if (buckets_.size() <= sends) buckets_.resize(sends + 1);
      buckets_[sends].push_back(entry);
      ++size_;
    }
  }

  /// Drops every entry for which `is_stale(const Entry&)` holds. Selection drops stale entries
  /// lazily but may never reach the old end of a busy queue; the owner calls this when size()
  /// outgrows the number of items that can be live.
  template <class Pred>
  void compact(Pred&& is_stale) {
    size_ = 0;
    for (auto& bucket : buckets_) {
      std::erase_if(bucket, is_stale);
      size_ += bucket.size();
    }
  }

  /// Entries queued, stale ones not yet dropped included.
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }

 private:
  struct Moved {
    std::size_t sends;
    Entry entry;
  };
  std::vector<std::vector<Entry>> buckets_;
  std::vector<Moved> moved_;
  std::size_t size_ = 0;
};

}  // namespace convoy::core
