// MemberIndex: id → slot lookup for MemberTable, as an open-addressing (linear probing) table
// of 8-byte cells: 32 bits of the id's hash beside the slot. The id itself stays in the member
// record, so the index costs 16 bytes a member at its maximum load of one half, against ~50 for
// std::unordered_map — and a lookup is one cache line of cells plus, on a hash match, the record
// (which the caller is about to read anyway). Lookups are the single hottest operation of the
// core: every piggybacked update received does one.
#pragma once

#include <convoy/member_id.hpp>

#include <cstdint>
#include <vector>

namespace convoy::core {

class MemberIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  /// Slot of `id`, or kNone. `id_of(slot)` reads the id stored in the record at `slot`.
  template <class IdOf>
  [[nodiscard]] std::uint32_t find(const MemberId& id, IdOf&& id_of) const {
    if (cells_.empty()) return kNone;
    const std::uint64_t h = hash(id);
    const auto tag = static_cast<std::uint32_t>(h);
    for (std::size_t i = position(h);; i = (i + 1) & mask_) {
      const std::uint64_t cell = cells_[i];
      if (cell == kEmpty) return kNone;
      const auto slot = static_cast<std::uint32_t>(cell);
      if (static_cast<std::uint32_t>(cell >> 32) == tag && id_of(slot) == id) return slot;
    }
  }

  /// Adds `id` at `slot`; `id` must not be present.
  template <class IdOf>
  void insert(const MemberId& id, std::uint32_t slot, IdOf&& id_of) {
    if ((count_ + 1) * 2 > cells_.size()) grow(id_of);
    place(hash(id), slot);
    ++count_;
  }

  /// Removes `id` if present. Backward-shift deletion: no tombstones, so lookups never slow
  /// down with churn.
  template <class IdOf>
  void erase(const MemberId& id, IdOf&& id_of) {
    if (cells_.empty()) return;
    const std::uint64_t h = hash(id);
    const auto tag = static_cast<std::uint32_t>(h);
    std::size_t i = position(h);
    for (;; i = (i + 1) & mask_) {
      const std::uint64_t cell = cells_[i];
      if (cell == kEmpty) return;
      if (static_cast<std::uint32_t>(cell >> 32) == tag &&
          id_of(static_cast<std::uint32_t>(cell)) == id)
        break;
    }
    --count_;
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_;; j = (j + 1) & mask_) {
      const std::uint64_t cell = cells_[j];
      if (cell == kEmpty) break;
      const std::size_t home = position(hash(id_of(static_cast<std::uint32_t>(cell))));
      // Move the cell into the hole unless its home lies cyclically in (hole, j].
      const bool home_after_hole = ((j - home) & mask_) < ((j - hole) & mask_);
      if (!home_after_hole) {
        cells_[hole] = cell;
        hole = j;
      }
    }
    cells_[hole] = kEmpty;
  }

  /// Starts loading the cell where `id` would be found. Receiving a packet looks up ~40 ids
  /// whose cells are scattered over a table far larger than the cache; prefetching them all
  /// first lets the misses overlap instead of queueing one after another.
  void prefetch(const MemberId& id) const {
    if (!cells_.empty()) __builtin_prefetch(&cells_[position(hash(id))]);
  }

  /// The slot in the first cell whose tag matches `id`'s, without reading the record (so
  /// without confirming); kNone if the home cell is empty. For prefetching records.
  [[nodiscard]] std::uint32_t probable_slot(const MemberId& id) const {
    if (cells_.empty()) return kNone;
    const std::uint64_t h = hash(id);
    const auto tag = static_cast<std::uint32_t>(h);
    for (std::size_t i = position(h);; i = (i + 1) & mask_) {
      const std::uint64_t cell = cells_[i];
      if (cell == kEmpty) return kNone;
      if (static_cast<std::uint32_t>(cell >> 32) == tag) return static_cast<std::uint32_t>(cell);
    }
  }

  [[nodiscard]] std::size_t size() const { return count_; }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

  static std::uint64_t hash(const MemberId& id) {
    // Fibonacci-style mixing of both halves; the top bits pick the cell, the low 32 are the tag.
    std::uint64_t h = (id.hi ^ (id.lo * 0x9E3779B97F4A7C15ULL)) * 0xD6E8FEB86659FD93ULL;
    return h ^ (h >> 32);
  }
  [[nodiscard]] std::size_t position(std::uint64_t h) const {
    return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void place(std::uint64_t h, std::uint32_t slot) {
    std::size_t i = position(h);
    while (cells_[i] != kEmpty) i = (i + 1) & mask_;
    cells_[i] = (h << 32) | slot;
  }
  template <class IdOf>
  void grow(IdOf&& id_of) {
    std::vector<std::uint64_t> old = std::move(cells_);
    const std::size_t capacity = old.empty() ? 16 : old.size() * 2;
    cells_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (std::uint64_t cell : old)
      if (cell != kEmpty) {
        const auto slot = static_cast<std::uint32_t>(cell);
        place(hash(id_of(slot)), slot);
      }
  }

  std::vector<std::uint64_t> cells_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t count_ = 0;
};

}  // namespace convoy::core
