// MemberTable: one node's record of every other member it knows, alive or not (dead and left
// members stay until reaped, so stale news about them cannot resurrect them).
//
// Records live in stable slots (a free list, never moved), so the broadcast queue, the probe
// order and the suspicion timers refer to a member by a 4-byte slot instead of a 16-byte id.
// Each change of a record takes a fresh `generation` from a table-wide counter; anything that
// remembered (slot, generation) can tell in O(1) that the record changed or the slot was reused.
// Memory matters here: the simulator holds 10,000 tables of 10,000 records.
#pragma once

#include "core/membership/member_index.hpp"
#include "core/mix64.hpp"
#include "core/time.hpp"

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <vector>

namespace convoy::core {

struct MemberRecord {
  MemberId id;
  std::uint64_t incarnation = 0;
  std::uint64_t generation = 0;  ///< 0 = free slot
  TimePoint changed_at{};        ///< when status last changed
  Address address;
  MemberStatus status = MemberStatus::alive;
  /// While suspect: the last member known to suspect it (nil: unknown), carried by the news.
  MemberId reporter{};
};

class MemberTable {
 public:
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

  /// Slot of `id`, or kNoSlot.
  [[nodiscard]] std::uint32_t find(const MemberId& id) const;

  /// Prefetching for batches of lookups (see MemberIndex::prefetch): first the index cells of
  /// all ids, then — once those have arrived — the records they point to.
  void prefetch_index(const MemberId& id) const { index_.prefetch(id); }
  void prefetch_record(const MemberId& id) const {
    const std::uint32_t slot = index_.probable_slot(id);
    if (slot < slots_.size()) __builtin_prefetch(&slots_[slot]);
  }

  /// Adds a member not yet present; returns its slot.
  std::uint32_t insert(const MemberId& id, std::uint64_t incarnation, MemberStatus status,
                       const Address& address, TimePoint now);

  /// Changes a record's state; bumps its generation. Counts follow.
  void update(std::uint32_t slot, std::uint64_t incarnation, MemberStatus status,
              const Address& address, TimePoint now);

  /// Who suspects the member in `slot`: news, not a change of state (the generation stays).
  void set_reporter(std::uint32_t slot, const MemberId& reporter) {
    assert(occupied(slot));
    slots_[slot].reporter = reporter;
  }

  /// Forgets the member in `slot`; the slot may be reused by a later insert.
  void erase(std::uint32_t slot);

  [[nodiscard]] const MemberRecord& at(std::uint32_t slot) const {
    assert(slot < slots_.size());
    return slots_[slot];
  }
  [[nodiscard]] bool occupied(std::uint32_t slot) const {
    return slot < slots_.size() && slots_[slot].generation != 0;
  }
  /// One past the highest slot ever used; iterate [0, capacity()) with occupied().
  [[nodiscard]] std::uint32_t capacity() const { return static_cast<std::uint32_t>(slots_.size()); }
  [[nodiscard]] std::size_t size() const { return index_.size(); }
  [[nodiscard]] std::size_t count(MemberStatus status) const {
    return counts_[static_cast<std::size_t>(status)];
  }
  /// The view hash of every alive or suspect member here: an XOR of view_term() over them.
  [[nodiscard]] std::uint64_t view_hash() const { return view_hash_; }
  /// What one member adds to a view hash: nothing unless alive or suspect (a dead member one
  /// view has reaped and the other still holds is no difference worth an exchange).
  [[nodiscard]] static std::uint64_t view_term(const MemberId& id, std::uint64_t incarnation,
                                               MemberStatus status) {
    if (!is_active(status)) return 0;
    return mix64(id.hi ^
                 mix64(id.lo ^ mix64(incarnation ^ mix64(static_cast<std::uint64_t>(status)))));
  }

  /// Inserts, updates and erasures so far: a reader that remembers it can tell in O(1) whether
  /// anything in the table changed since (the runtime's directory snapshot does).
  [[nodiscard]] std::uint64_t changes() const { return changes_; }

  /// Generation the next change will take; lets callers tag self-updates from the same counter.
  [[nodiscard]] std::uint64_t next_generation() { return ++last_generation_; }

 private:
  auto id_of() const {
    return [this](std::uint32_t slot) -> const MemberId& { return slots_[slot].id; };
  }

  std::vector<MemberRecord> slots_;
  std::vector<std::uint32_t> free_;
  MemberIndex index_;
  std::array<std::size_t, 5> counts_{};
  std::uint64_t last_generation_ = 0;
  std::uint64_t changes_ = 0;
  std::uint64_t view_hash_ = 0;
};

}  // namespace convoy::core
