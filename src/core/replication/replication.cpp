// Replication: replica bookkeeping, rumours of store changes, and store anti-entropy (see
// replication.hpp for the round).
#include "core/replication/replication.hpp"

#include <algorithm>
#include <cassert>
#include <set>

namespace convoy::core {

Replication::Replication(Context& context, const Membership& membership, Outbox& outbox,
                         Subscribers& subscribers, std::uint64_t epoch)
    : ctx_(context),
      membership_(membership),
      outbox_(outbox),
      subscribers_(subscribers),
      own_(epoch) {}

void Replication::start(TimePoint now) {
  const Duration period = ctx_.config.store.sync_interval;
  next_sync_ = now + Duration(static_cast<Duration::rep>(
                         ctx_.rng.below(static_cast<std::uint64_t>(period.count()) + 1)));
  next_gc_ = now + ctx_.config.store.tombstone_grace / 10;
}

void Replication::tick(TimePoint now) {
  if (now >= next_sync_) sync_tick(now);
  if (now >= next_gc_) collect_tombstones(now);
}

TimePoint Replication::next_deadline() const {
  return std::min(next_sync_, next_gc_);
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
  digest_.change(membership_.at(slot).id, 0, 0, r->epoch(), r->version());
}

void Replication::member_deactivated(std::uint32_t slot) {
  const StoreReplica* r = replica_of_slot(slot);
  if (r == nullptr) return;
  digest_.change(membership_.at(slot).id, r->epoch(), r->version(), 0, 0);
}

void Replication::member_reaped(std::uint32_t slot) {
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
  const std::uint64_t old_epoch = r->epoch();
  const std::uint64_t old_version = r->version();
  const bool counts = counted(owner);
  const MemberId owner_id_value = owner_id(owner);
  StoreReplica::ChangeSink sink = [&](const StoreReplica::Change& c) {
    if (spread == Spread::rumour) news_.enqueue(owner, c.key);
    if (counts && !subscribers_.empty()) {
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
  if (counts && (old_epoch != r->epoch() || old_version != r->version()))
    digest_.change(owner_id_value, old_epoch, old_version, r->epoch(), r->version());
  return changed;
}

void Replication::apply_delta(const wire::StoreDelta& delta, TimePoint now) {
  if (delta.owner == membership_.self().id) return;  // we are the authority on our own store
  const std::uint32_t slot = membership_.find(delta.owner);
  if (slot == MemberTable::kNoSlot) return;  // unknown owner: anti-entropy brings it later
  change_replica(key_of_slot(slot), Spread::rumour,
                 [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
                   return r.apply(delta.epoch, delta.item, now, sink);
                 });
}

void Replication::apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now) {
  if (snapshot.owner == membership_.self().id) return;
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
  return result;
}

WriteResult Replication::put(std::string_view key, std::string_view value, std::uint64_t expected,
                             TimePoint now) {
  return write_own(key,
                   [&](StoreReplica& r) { return r.put(key, value, expected, now, limits()); });
}

WriteResult Replication::erase(std::string_view key, std::uint64_t expected, TimePoint now) {
  return write_own(key, [&](StoreReplica& r) { return r.erase(key, expected, now, limits()); });
}

// ---------------------------------------------------------------------------------------------
// Rumours

void Replication::fill(wire::Packer& packer, std::uint32_t limit,
                       std::vector<wire::StoreDelta>& oversized) {
  const StoreNews::Resolve resolve =
      [&](MemberKey owner, const std::string& key) -> std::optional<wire::StoreDelta> {
    const StoreReplica* r = replica_of_key(owner);
    const wire::StoreItem* item = r != nullptr ? r->find(key) : nullptr;
    if (item == nullptr) return std::nullopt;
    return wire::StoreDelta{owner_id(owner), r->epoch(), *item};
  };
  ctx_.stats.deltas_piggybacked +=
      news_.fill(packer, limit, ctx_.config.dissemination.packet_budget, resolve, oversized);
}

// ---------------------------------------------------------------------------------------------
// Anti-entropy

void Replication::sync_tick(TimePoint now) {
  next_sync_ = now + ctx_.config.store.sync_interval;
  if (!membership_.joined() || membership_.left()) return;
  auto peers = membership_.sample_active(1, MemberTable::kNoSlot, ctx_.rng);
  if (peers.empty()) return;
  ++ctx_.stats.store_digests_sent;
  outbox_.send(membership_.at(peers[0]).address, wire::StoreDigest{digest_.buckets()});
}

void Replication::on_store_digest(const Origin& origin, const wire::StoreDigest& digest) {
  if (digest.buckets.size() != StoreDigestState::kBuckets) {
    ++ctx_.stats.unexpected;  // a peer with another bucket count: nothing comparable
    return;
  }
  std::vector<bool> differs(StoreDigestState::kBuckets, false);
  wire::StoreDigestDetail detail;
  for (std::uint32_t b = 0; b < StoreDigestState::kBuckets; ++b) {
    if (digest.buckets[b] != digest_.bucket_value(b)) {
      differs[b] = true;
      detail.buckets.push_back(b);
    }
  }
  if (detail.buckets.empty()) return;
  auto add = [&](const MemberId& owner, const StoreReplica& r) {
    if (differs[StoreDigestState::bucket(owner)] &&
        StoreDigestState::contribution(owner, r.epoch(), r.version()) != 0)
      detail.owners.push_back(wire::OwnerVersion{owner, r.epoch(), r.version()});
  };
  add(membership_.self().id, own_);
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot)
    if (replicas_[slot] && is_active(membership_.at(slot).status))
      add(membership_.at(slot).id, *replicas_[slot]);
  outbox_.reply(origin, wire::Packet{std::move(detail), {}, {}});
}

void Replication::on_store_digest_detail(const Origin& origin,
                                         const wire::StoreDigestDetail& detail) {
  std::vector<bool> covered(StoreDigestState::kBuckets, false);
  for (std::uint32_t b : detail.buckets)
    if (b < StoreDigestState::kBuckets) covered[b] = true;
  wire::StoreSync sync;
  std::set<MemberId> listed;
  for (const wire::OwnerVersion& theirs : detail.owners) {
    listed.insert(theirs.owner);
    if (theirs.owner != membership_.self().id) {
      const std::uint32_t slot = membership_.find(theirs.owner);
      if (slot == MemberTable::kNoSlot || !membership_.active(slot)) continue;
    }
    const StoreReplica* mine = replica(theirs.owner);
    const std::uint64_t epoch = mine ? mine->epoch() : 0;
    const std::uint64_t version = mine ? mine->version() : 0;
    if (epoch > theirs.epoch || (epoch == theirs.epoch && version > theirs.version))
      sync.snapshots.push_back(mine->snapshot_since(theirs.owner, theirs.epoch, theirs.version));
    else if (theirs.epoch > epoch || theirs.version > version)
      sync.wants.push_back(wire::OwnerVersion{theirs.owner, epoch, version});
  }
  // Owners of the differing buckets that the peer did not list at all: it holds nothing.
  auto offer = [&](const MemberId& owner, const StoreReplica& r) {
    if (covered[StoreDigestState::bucket(owner)] && !listed.count(owner) &&
        StoreDigestState::contribution(owner, r.epoch(), r.version()) != 0)
      sync.snapshots.push_back(r.snapshot_since(owner, 0, 0));
  };
  offer(membership_.self().id, own_);
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot)
    if (replicas_[slot] && is_active(membership_.at(slot).status))
      offer(membership_.at(slot).id, *replicas_[slot]);
  if (sync.snapshots.empty() && sync.wants.empty()) return;
  ++ctx_.stats.store_syncs_sent;
  outbox_.reply(origin, wire::Packet{std::move(sync), {}, {}});
}

void Replication::on_store_sync(const Origin& origin, const wire::StoreSync& sync, TimePoint now) {
  for (const wire::StoreSnapshot& snap : sync.snapshots) apply_snapshot(snap, now);
  if (sync.wants.empty()) return;
  wire::StoreSync answer;
  for (const wire::OwnerVersion& want : sync.wants) {
    const StoreReplica* mine = replica(want.owner);
    if (mine == nullptr || (mine->empty() && mine->version() == 0)) continue;
    answer.snapshots.push_back(mine->snapshot_since(want.owner, want.epoch, want.version));
  }
  if (answer.snapshots.empty()) return;
  ++ctx_.stats.store_syncs_sent;
  outbox_.reply(origin, wire::Packet{std::move(answer), {}, {}});
}

void Replication::collect_tombstones(TimePoint now) {
  next_gc_ =
      now + std::max<Duration>(ctx_.config.store.tombstone_grace / 10, std::chrono::seconds(1));
  const TimePoint cutoff = now - ctx_.config.store.tombstone_grace;
  own_.collect(cutoff);
  for (auto& r : replicas_)
    if (r) r->collect(cutoff);
}

}  // namespace convoy::core
