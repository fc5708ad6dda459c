// Replication: replica bookkeeping, rumours of store changes, the own store's epoch, tombstone
// collection (see replication.hpp).
#include "core/replication/replication.hpp"

#include <algorithm>
#include <cassert>
#include "core/dissemination/eager_push.hpp"
#include "core/replication/store_epoch.hpp"

#include <set>

namespace convoy::core {

Replication::Replication(Context& context, const Membership& membership, Subscribers& subscribers,
                         std::uint64_t epoch)
    : ctx_(context), membership_(membership), subscribers_(subscribers), own_(epoch) {}

void Replication::restore(const RestoredState& restored, TimePoint now) {
  const StoreStanding before = standing_of(own_);
  own_ = StoreReplica(restored.store_epoch);
  own_.restore(restored.store_version, restored.gc_version, restored.items, now);
  digest_.change(membership_.self().id, before, standing_of(own_));
}

DurableChange Replication::durable_now() const {
  DurableChange change;
  change.store_epoch = own_.epoch();
  change.store_version = own_.version();
  change.gc_version = own_.gc_version();
  return change;
}

void Replication::start(TimePoint now) {
  next_gc_ = now + ctx_.config.store.tombstone_grace / 10;
}

void Replication::tick(TimePoint now) {
  if (now >= next_gc_) collect_tombstones(now);
}

// ---------------------------------------------------------------------------------------------
// Replica bookkeeping

StoreReplica* Replication::replica_of_key(MemberKey owner) {
  if (is_self_key(owner)) return &own_;
  const std::uint32_t slot = slot_of_key(owner);
  return slot < replicas_.size() ? replicas_[slot].get() : nullptr;
}

const StoreReplica* Replication::replica_of_key(MemberKey owner) const {
  if (is_self_key(owner)) return &own_;
  const std::uint32_t slot = slot_of_key(owner);
  return slot < replicas_.size() ? replicas_[slot].get() : nullptr;
}

const StoreReplica* Replication::replica_of_slot(std::uint32_t slot) const {
  return replica_of_key(key_of_slot(slot));
}

MemberId Replication::owner_id(MemberKey owner) const {
  return is_self_key(owner) ? membership_.self().id : membership_.at(slot_of_key(owner)).id;
}

const StoreReplica* Replication::replica(const MemberId& owner) const {
  if (owner == membership_.self().id) return &own_;
  const std::uint32_t slot = membership_.find(owner);
  if (slot == MemberTable::kNoSlot) return nullptr;
  return replica_of_slot(slot);
}

bool Replication::counted(MemberKey owner) const {
  return is_self_key(owner) || is_active(membership_.at(slot_of_key(owner)).status);
}

void Replication::member_activated(std::uint32_t slot) {
  const StoreReplica* r = replica_of_slot(slot);
  if (r == nullptr) return;
  digest_.change(membership_.at(slot).id, StoreStanding{}, standing_of(*r));
}

void Replication::member_deactivated(std::uint32_t slot) {
  const StoreReplica* r = replica_of_slot(slot);
  if (r == nullptr) return;
  digest_.change(membership_.at(slot).id, standing_of(*r), StoreStanding{});
}

void Replication::announce_held_back(std::uint32_t slot) {
  auto it = held_back_.find(slot);
  if (it == held_back_.end()) return;
  const std::set<std::string> keys = std::move(it->second);
  held_back_.erase(it);
  const StoreReplica* r = replica_of_slot(slot);
  if (r == nullptr || subscribers_.empty()) return;
  for (const std::string& key : keys) {
    Event e;
    e.member = membership_.at(slot).id;
    e.key = key;
    if (const wire::StoreItem* item = r->find(key)) {
      e.kind = item->deleted ? Event::Kind::key_deleted : Event::Kind::key_set;
      e.value = item->value;
      e.version = item->version;
    } else {
      // Gone without a tombstone (its store's previous life was dropped, or a complete
      // snapshot left it out): reported as a deletion of version 0, as when it happens live.
      e.kind = Event::Kind::key_deleted;
    }
    subscribers_.publish(e);
  }
}

void Replication::member_reaped(std::uint32_t slot) {
  held_back_.erase(slot);
  if (slot >= replicas_.size() || !replicas_[slot]) return;
  if (counted(key_of_slot(slot))) member_deactivated(slot);
  // Forget queued deltas of this owner: the slot may soon hold another member.
  news_.forget_owner(key_of_slot(slot));
  replicas_[slot].reset();
}

template <class Change>
bool Replication::change_replica(MemberKey owner, Spread spread, Change&& change) {
  StoreReplica* r = replica_of_key(owner);
  if (r == nullptr) {
    const std::uint32_t slot = slot_of_key(owner);
    if (replicas_.size() <= slot) replicas_.resize(slot + 1);
    replicas_[slot] = std::make_unique<StoreReplica>();
    r = replicas_[slot].get();
  }
  const StoreStanding before = standing_of(*r);
  const bool counts = counted(owner);
  const MemberId owner_id_value = owner_id(owner);
  StoreReplica::ChangeSink sink = [&](const StoreReplica::Change& c) {
    if (spread == Spread::rumour && c.item.version != 0) {
      news_.enqueue(owner, c.key);
      if (eager_ != nullptr) eager_->store_news(owner, c.key);
    }
    if (!counts) {
      held_back_[slot_of_key(owner)].insert(c.key);
    } else if (!subscribers_.empty()) {
      Event e;
      e.kind = c.item.deleted ? Event::Kind::key_deleted : Event::Kind::key_set;
      e.member = owner_id_value;
      e.key = c.key;
      e.value = c.item.value;
      e.version = c.item.version;
      subscribers_.publish(e);
    }
  };
  const bool changed = change(*r, sink);
  // Only the owner hands out versions of its own store, one after another: no gap, ever.
  assert(!is_self_key(owner) || r->max_seen() == r->version());
  if (const StoreStanding after = standing_of(*r); counts && before != after)
    digest_.change(owner_id_value, before, after);
  return changed;
}

bool Replication::apply_delta(const wire::StoreDelta& delta, TimePoint now) {
  if (delta.owner == membership_.self().id) {  // we are the authority on our own store
    observe_own_epoch(delta.epoch);
    return false;
  }
  const std::uint32_t slot = membership_.find(delta.owner);
  if (slot == MemberTable::kNoSlot) return false;  // unknown owner: anti-entropy brings it later
  return change_replica(key_of_slot(slot), Spread::rumour,
                        [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
                          return r.apply(delta.epoch, delta.item, now, sink);
                        });
}

void Replication::apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now) {
  if (snapshot.owner == membership_.self().id) {
    observe_own_epoch(snapshot.epoch);
    return;
  }
  const std::uint32_t slot = membership_.find(snapshot.owner);
  if (slot == MemberTable::kNoSlot) return;
  change_replica(key_of_slot(slot), Spread::quiet,
                 [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
                   return r.apply(snapshot, now, sink);
                 });
}

std::vector<wire::StoreSnapshot> Replication::all_snapshots() const {
  std::vector<wire::StoreSnapshot> out;
  // A store whose items were all collected still has a watermark worth passing on.
  auto worth = [](const StoreReplica& r) { return r.version() != 0 || !r.empty(); };
  if (worth(own_)) out.push_back(own_.snapshot_since(membership_.self().id, own_.epoch(), 0));
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot) {
    const StoreReplica* r = replicas_[slot].get();
    if (r == nullptr || !worth(*r) || !is_active(membership_.at(slot).status)) continue;
    out.push_back(r->snapshot_since(membership_.at(slot).id, r->epoch(), 0));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Our own store

StoreLimits Replication::limits() const {
  return StoreLimits{std::min<std::size_t>(ctx_.config.store.max_key_bytes, 256),
                     ctx_.config.store.max_value_bytes};
}

template <class Write>
WriteResult Replication::write_own(std::string_view key, Write&& write) {
  WriteResult result;
  change_replica(kSelfKey, Spread::rumour,
                 [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
                   const std::uint64_t before = r.version();
                   result = write(r);
                   if (result.status != WriteStatus::done || r.version() == before) return false;
                   sink(StoreReplica::Change{std::string(key), *r.find(key)});
                   return true;
                 });
  if (result.status == WriteStatus::done && result.item.version == own_.version() &&
      own_.find(key) != nullptr) {
    // Durable before its rumour (queued above, sent after this handler) leaves the machine.
    DurableChange change;
    change.store_version = own_.version();
    change.put_items.push_back(*own_.find(key));
    ctx_.env.make_durable(change);
  }
  return result;
}

Expectation Replication::expectation(std::string_view key,
                                     const std::optional<Expectation>& expected) const {
  if (expected) return *expected;
  const wire::StoreItem* item = own_.find(key);
  return Expectation{item != nullptr ? item->version : 0, 0};
}

WriteResult Replication::put(std::string_view key, std::string_view value,
                             std::optional<Expectation> expected, TimePoint now) {
  const Expectation e = expectation(key, expected);
  return write_own(key, [&](StoreReplica& r) { return r.put(key, value, e, now, limits()); });
}

WriteResult Replication::erase(std::string_view key, std::optional<Expectation> expected,
                               TimePoint now) {
  const Expectation e = expectation(key, expected);
  return write_own(key, [&](StoreReplica& r) { return r.erase(key, e, now, limits()); });
}

void Replication::observe_own_epoch(std::uint64_t epoch) {
  if (epoch <= own_.epoch()) return;  // ours, or older: our replicas replace it
  const StoreStanding before = standing_of(own_);
  const std::uint64_t next = epoch_above(epoch, before.epoch);
  if (next <= before.epoch) return;  // the counter is at its top: nothing higher to move to
  own_.rebase(next);
  ++ctx_.stats.store_epoch_raises;
  DurableChange change;
  change.store_epoch = own_.epoch();
  ctx_.env.make_durable(change);
  digest_.change(membership_.self().id, before, standing_of(own_));
  // Every item again, under the new epoch: a replica that takes one resets to this epoch, and
  // anti-entropy completes it.
  own_.for_each_held([&](const wire::StoreItem& item) { news_.enqueue(kSelfKey, item.key); });
}

// ---------------------------------------------------------------------------------------------
// Rumours

std::optional<wire::StoreDelta> Replication::delta_of(MemberKey owner,
                                                      const std::string& key) const {
  const StoreReplica* r = replica_of_key(owner);
  const wire::StoreItem* item = r != nullptr ? r->find(key) : nullptr;
  if (item == nullptr) return std::nullopt;
  return wire::StoreDelta{owner_id(owner), r->epoch(), *item};
}

void Replication::fill(wire::Packer& packer, std::uint32_t limit,
                       std::vector<wire::StoreDelta>& oversized) {
  const StoreNews::Resolve resolve = [&](MemberKey owner, const std::string& key) {
    return delta_of(owner, key);
  };
  ctx_.stats.deltas_piggybacked +=
      news_.fill(packer, limit, ctx_.config.dissemination.packet_budget, resolve, oversized);
}

// ---------------------------------------------------------------------------------------------
// Tombstones

void Replication::collect_tombstones(TimePoint now) {
  next_gc_ =
      now + std::max<Duration>(ctx_.config.store.tombstone_grace / 10, std::chrono::seconds(1));
  const TimePoint cutoff = now - ctx_.config.store.tombstone_grace;
  if (std::vector<std::string> gone = own_.collect(cutoff); !gone.empty()) {
    DurableChange change;
    change.gc_version = own_.gc_version();
    change.erase_keys = std::move(gone);
    ctx_.env.make_durable(change);
  }
  for (auto& r : replicas_)
    if (r) r->collect(cutoff);
}

}  // namespace convoy::core
