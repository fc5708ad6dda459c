// ProbeSchedule: SWIM's target choice, round-robin over a shuffled list of members. Every member
// is probed once per round (bounded detection time, unlike pure random choice); a new member is
// inserted at a random point of the current round so it is probed within one round.
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
        if (eligible(slot)) return slot;
      }
      order_.clear();
      pos_ = 0;
      refill(order_);
      rng.shuffle(order_);
    }
    return kNone;
  }

  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

 private:
  std::vector<std::uint32_t> order_;
  std::size_t pos_ = 0;
};

}  // namespace convoy::core
