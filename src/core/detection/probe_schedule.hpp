// ProbeSchedule: SWIM's target choice, round-robin over a shuffled list of members. Every member
// is probed once per round (bounded detection time, unlike pure random choice); a new member is
// inserted at a random point of the current round so it is probed within one round.
//
// A slot is listed at most once in what remains of a round: a member that comes back (dead, then
// alive) or a slot reused by a new member while the old one's entry is still ahead would
// otherwise be probed twice per round, and another member correspondingly later.
#pragma once

#include "core/random.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace convoy::core {

class ProbeSchedule {
 public:
  /// Adds a newly known member's slot at a random position among those not yet probed this round.
  void add(std::uint32_t slot, Random& rng) {
    if (listed(slot)) return;  // already ahead in this round
    list(slot);
    // Append, then swap with a uniformly chosen not-yet-probed position: O(1), and the new
    // member is as likely to land anywhere in the rest of the round as an insert would be.
    order_.push_back(slot);
    std::size_t remaining = order_.size() - pos_;
    std::size_t at = pos_ + rng.below(remaining);
    std::swap(order_[at], order_.back());
  }

  /// Next slot for which `eligible(slot)` holds. When a round ends, `refill(out)` lists the
  /// current members, which are shuffled into the next round. nullopt-like kNone if nobody.
  template <class Eligible, class Refill>
  std::uint32_t next(Random& rng, Eligible&& eligible, Refill&& refill) {
    for (int round = 0; round < 2; ++round) {
      while (pos_ < order_.size()) {
        std::uint32_t slot = order_[pos_++];
        unlist(slot);
        if (eligible(slot)) return slot;
      }
      order_.clear();
      pos_ = 0;
      refill(order_);
      for (std::uint32_t slot : order_) list(slot);
      rng.shuffle(order_);
    }
    return kNone;
  }

  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

 private:
  [[nodiscard]] bool listed(std::uint32_t slot) const {
    return slot < listed_.size() && listed_[slot] != 0;
  }
  void list(std::uint32_t slot) {
    if (slot >= listed_.size()) listed_.resize(slot + 1, 0);
    listed_[slot] = 1;
  }
  void unlist(std::uint32_t slot) { listed_[slot] = 0; }

  std::vector<std::uint32_t> order_;
  std::size_t pos_ = 0;
  std::vector<std::uint8_t> listed_;  ///< by slot: in order_ at or after pos_
};

}  // namespace convoy::core
