// MemberTable: slot bookkeeping and per-status counts (see member_table.hpp).
#include "core/membership/member_table.hpp"

namespace convoy::core {

std::uint32_t MemberTable::find(const MemberId& id) const {
  return index_.find(id, id_of());
}

std::uint32_t MemberTable::insert(const MemberId& id, std::uint64_t incarnation,
                                  MemberStatus status, const Address& address, TimePoint now) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  MemberRecord& r = slots_[slot];
  r.id = id;
  r.incarnation = incarnation;
  r.status = status;
  r.address = address;
  r.changed_at = now;
  r.generation = next_generation();
  assert(index_.find(id, id_of()) == MemberIndex::kNone);  // one record per member
  index_.insert(id, slot, id_of());
  ++counts_[static_cast<std::size_t>(status)];
  view_hash_ ^= view_term(id, incarnation, status);
  ++changes_;
  return slot;
}

void MemberTable::update(std::uint32_t slot, std::uint64_t incarnation, MemberStatus status,
                         const Address& address, TimePoint now) {
  assert(occupied(slot));
  MemberRecord& r = slots_[slot];
  view_hash_ ^= view_term(r.id, r.incarnation, r.status) ^ view_term(r.id, incarnation, status);
  if (r.status != status) {
    --counts_[static_cast<std::size_t>(r.status)];
    ++counts_[static_cast<std::size_t>(status)];
    r.changed_at = now;
    r.status = status;
  }
  r.incarnation = incarnation;
  r.address = address;
  r.generation = next_generation();
  ++changes_;
}

void MemberTable::erase(std::uint32_t slot) {
  assert(occupied(slot));
  MemberRecord& r = slots_[slot];
  --counts_[static_cast<std::size_t>(r.status)];
  view_hash_ ^= view_term(r.id, r.incarnation, r.status);
  index_.erase(r.id, id_of());
  r = MemberRecord{};
  free_.push_back(slot);
  ++changes_;
}

}  // namespace convoy::core
