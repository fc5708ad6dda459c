// BroadcastQueue: *what* to piggyback next, independent of *when* packets go out (probe acks,
// gossip ticks, or a future eager push all draw from the same queue).
//
// Items are named by dense integer keys (the node uses 0 for itself and member-table slot + 1
// for others). An item is queued at most once: queueing it again — because its state changed —
// replaces the old entry and resets its send count, so a newer version of an item always
// supersedes the older one. Entries sit in intrusive lists by send count; selection offers the
// least-sent first, so fresh news overtakes retransmissions of old news, and within a count the
// oldest first. That last rule was newest-first at first: under a flood of news (a mass join),
// entries that never reached the front starved for good, and one run in five left a member
// ignorant of three others for 34 s; first-in-first-out serves every entry in turn (all five
// runs converged within 15 s). An entry leaves after `limit` sends.
//
// The links live in one vector indexed by key (12 bytes an item, nothing per send), because the
// simulator keeps 10,000 queues over 10,000 members: a vector of entries per send count, as an
// earlier version had, kept ~400 bytes per member alive in its spare capacity.
//
// Invariant: an entry is counted as sent only when the visitor says it went into a packet.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace convoy::core {

class BroadcastQueue {
 public:
  /// What the visitor did with the item offered to it.
  enum class Verdict : std::uint8_t {
    taken,  ///< put into the packet: counts as one send
    drop,   ///< not worth sending any more: remove it
    full,   ///< did not fit: keep it, and stop offering
  };

  /// Queues `key` with zero sends (replacing any queued entry): ahead of every entry already
  /// sent, behind the unsent ones queued before it (first in, first out within a send count).
  void push(std::uint32_t key) {
    if (key >= links_.size()) links_.resize(key + 1);
    if (links_[key].queued) unlink(key);
    link_back(key, 0);
  }

  /// Removes `key` if queued (its item is gone).
  void remove(std::uint32_t key) {
    if (key < links_.size() && links_[key].queued) unlink(key);
  }

  /// Counts `n` sends of `key` made outside select() (an eager push). Returns true if that
  /// brought it to `limit` and it left the queue.
  bool add_sends(std::uint32_t key, std::uint32_t n, std::uint32_t limit) {
    if (!queued(key)) return false;
    const std::uint32_t sends = links_[key].sends + n;
    unlink(key);
    if (sends >= limit) return true;
    link_back(key, sends);
    return false;
  }

  /// Removes every queued key but `keep`.
  void clear_except(std::uint32_t keep) {
    for (std::uint32_t sends = 0; sends < heads_.size(); ++sends) {
      std::uint32_t key = heads_[sends];
      while (key != kNil) {
        const std::uint32_t next = links_[key].next;
        if (key != keep) unlink(key);
        key = next;
      }
    }
  }

  /// Offers queued keys to `visit(std::uint32_t key) -> Verdict` in priority order until it
  /// answers `full` or everything was offered once. Entries reaching `limit` sends leave.
  /// Entries that leave because the limit shrank below their count (the cluster shrank) are
  /// passed to `retire(key)`, so that whoever names them by key can let go of them.
  template <class Visitor, class Retire>
  void select(std::uint32_t limit, Visitor&& visit, Retire&& retire) {
    moved_.clear();
    bool stop = false;
    for (std::uint32_t sends = 0; sends < heads_.size() && !stop; ++sends) {
      if (sends >= limit) {  // the limit shrank with the cluster: these are done
        while (heads_[sends] != kNil) {
          const std::uint32_t key = heads_[sends];
          unlink(key);
          retire(key);
        }
        continue;
      }
      std::uint32_t key = heads_[sends];
      while (key != kNil) {
        const std::uint32_t next = links_[key].next;
        const Verdict v = visit(key);
        if (v == Verdict::full) {
          stop = true;
          break;
        }
        unlink(key);
        if (v == Verdict::taken && sends + 1 < limit) moved_.push_back({key, sends + 1});
        key = next;
      }
    }
    // Relink what was sent one count down only now, so nothing is offered twice per call.
    for (const Moved& m : moved_) link_back(m.key, m.sends);
  }
  /// select() for keys that need no letting go.
  template <class Visitor>
  void select(std::uint32_t limit, Visitor&& visit) {
    select(limit, std::forward<Visitor>(visit), [](std::uint32_t) {});
  }

  [[nodiscard]] bool queued(std::uint32_t key) const {
    return key < links_.size() && links_[key].queued;
  }
  /// Times `key` was sent since it was last queued (0 if not queued).
  [[nodiscard]] std::uint32_t sends(std::uint32_t key) const {
    return queued(key) ? links_[key].sends : 0;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
  struct Link {
    std::uint32_t prev = kNil;
    std::uint32_t next = kNil;
    std::uint16_t sends = 0;
    bool queued = false;
  };

  void link_back(std::uint32_t key, std::uint32_t sends) {
    if (sends >= heads_.size()) {
      heads_.resize(sends + 1, kNil);
      tails_.resize(sends + 1, kNil);
    }
    Link& l = links_[key];
    l.prev = tails_[sends];
    l.next = kNil;
    l.sends = static_cast<std::uint16_t>(sends);
    l.queued = true;
    if (l.prev != kNil)
      links_[l.prev].next = key;
    else
      heads_[sends] = key;
    tails_[sends] = key;
    ++size_;
  }

  void unlink(std::uint32_t key) {
    Link& l = links_[key];
    assert(l.queued && size_ > 0);
    if (l.prev != kNil)
      links_[l.prev].next = l.next;
    else
      heads_[l.sends] = l.next;
    if (l.next != kNil)
      links_[l.next].prev = l.prev;
    else
      tails_[l.sends] = l.prev;
    l.prev = l.next = kNil;
    l.queued = false;
    --size_;
  }

  std::vector<Link> links_;
  std::vector<std::uint32_t> heads_;  ///< per send count: oldest first
  std::vector<std::uint32_t> tails_;
  struct Moved {
    std::uint32_t key;
    std::uint32_t sends;
  };
  std::vector<Moved> moved_;
  std::size_t size_ = 0;
};

}  // namespace convoy::core
