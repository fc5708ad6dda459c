// Node, store half: the node's own store, its replicas of every other member's store, the
// dissemination of store deltas, store anti-entropy (digest → detail → sync) and writes into
// other members' stores. The membership half is node.cpp; the read side is node_directory.cpp.
//
// Anti-entropy, one round (A initiates with a random member B):
//   A → B  StoreDigest{64 bucket hashes}               datagram, ~530 bytes whatever N
//   B → A  StoreDigestDetail{B's (owner, epoch, watermark) for the buckets that differ}
//   A → B  StoreSync{what B lacks, and `wants`: what A lacks}
//   B → A  StoreSync{what A wanted}
// Each snapshot shipped is exactly the items above the receiver's watermark (or a complete
// snapshot when tombstones the receiver may need were already collected).
#include "core/node.hpp"

#include "wire/codec.hpp"

#include <algorithm>
#include <set>

namespace convoy::core {

namespace {

WriteResult failure(std::string why) {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = std::move(why);
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Replica bookkeeping

StoreReplica* Node::replica_for_key(std::uint32_t owner_key) {
  if (owner_key == kSelfKey) return &own_store_;
  const std::uint32_t slot = owner_key - 1;
  return slot < replicas_.size() ? replicas_[slot].get() : nullptr;
}

const StoreReplica* Node::replica_for_key(std::uint32_t owner_key) const {
  if (owner_key == kSelfKey) return &own_store_;
  const std::uint32_t slot = owner_key - 1;
  return slot < replicas_.size() ? replicas_[slot].get() : nullptr;
}

MemberId Node::owner_id(std::uint32_t owner_key) const {
  return owner_key == kSelfKey ? self_.id : members_.at(owner_key - 1).id;
}

const StoreReplica* Node::replica(const MemberId& owner) const {
  if (owner == self_.id) return &own_store_;
  const std::uint32_t slot = members_.find(owner);
  if (slot == MemberTable::kNoSlot) return nullptr;
  return replica_for_key(slot + 1);
}

bool Node::digest_counts(std::uint32_t owner_key) const {
  return owner_key == kSelfKey || is_active(members_.at(owner_key - 1).status);
}

void Node::digest_include(std::uint32_t slot, bool include) {
  const StoreReplica* r = replica_for_key(slot + 1);
  if (r == nullptr) return;
  const MemberId& id = members_.at(slot).id;
  if (include)
    digest_.change(id, 0, 0, r->epoch(), r->version());
  else
    digest_.change(id, r->epoch(), r->version(), 0, 0);
}

void Node::drop_replica(std::uint32_t slot) {
  if (slot >= replicas_.size() || !replicas_[slot]) return;
  if (digest_counts(slot + 1)) digest_include(slot, false);
  // Forget queued deltas of this owner: the slot may soon hold another member.
  const std::uint32_t owner_key = slot + 1;
  auto it = item_handles_.lower_bound({owner_key, std::string()});
  while (it != item_handles_.end() && it->first.first == owner_key) {
    store_queue_.remove(it->second);
    item_refs_[it->second] = ItemRef{};
    free_item_refs_.push_back(it->second);
    it = item_handles_.erase(it);
  }
  replicas_[slot].reset();
}

template <class Change>
bool Node::change_replica(std::uint32_t owner_key, bool spread, Change&& change) {
  StoreReplica* r = replica_for_key(owner_key);
  if (r == nullptr) {
    const std::uint32_t slot = owner_key - 1;
    if (replicas_.size() <= slot) replicas_.resize(slot + 1);
    replicas_[slot] = std::make_unique<StoreReplica>();
    r = replicas_[slot].get();
  }
  const std::uint64_t old_epoch = r->epoch();
  const std::uint64_t old_version = r->version();
  const bool counts = digest_counts(owner_key);
  const MemberId owner = owner_id(owner_key);
  StoreReplica::ChangeSink sink = [&](const StoreReplica::Change& c) {
    if (spread) enqueue_item(owner_key, c.key);
    if (counts && !subscriptions_.empty()) {
      DirectoryEvent e;
      e.kind = c.item.deleted ? DirectoryEvent::Kind::key_deleted : DirectoryEvent::Kind::key_set;
      e.member = owner;
      e.key = c.key;
      e.value = c.item.value;
      e.version = c.item.version;
      publish(e);
    }
  };
  const bool changed = change(*r, sink);
  if (counts && (old_epoch != r->epoch() || old_version != r->version()))
    digest_.change(owner, old_epoch, old_version, r->epoch(), r->version());
  return changed;
}

void Node::enqueue_item(std::uint32_t owner_key, const std::string& key) {
  auto [it, inserted] = item_handles_.try_emplace({owner_key, key}, 0);
  if (inserted) {
    std::uint32_t handle;
    if (!free_item_refs_.empty()) {
      handle = free_item_refs_.back();
      free_item_refs_.pop_back();
    } else {
      handle = static_cast<std::uint32_t>(item_refs_.size());
      item_refs_.emplace_back();
    }
    item_refs_[handle] = ItemRef{owner_key, key};
    it->second = handle;
  }
  store_queue_.push(it->second);
}

void Node::apply_delta(const wire::StoreDelta& delta, TimePoint now) {
  if (delta.owner == self_.id) return;  // this node is the authority on its own store
  const std::uint32_t slot = members_.find(delta.owner);
  if (slot == MemberTable::kNoSlot) return;  // unknown owner: anti-entropy brings it later
  change_replica(slot + 1, true, [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
    return r.apply(delta.epoch, delta.item, now, sink);
  });
}

void Node::apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now) {
  if (snapshot.owner == self_.id) return;
  const std::uint32_t slot = members_.find(snapshot.owner);
  if (slot == MemberTable::kNoSlot) return;
  // Repairs are not re-gossiped: the sender's side has the state already, and every other
  // replica repairs itself through its own exchanges.
  change_replica(slot + 1, false, [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
    return r.apply(snapshot, now, sink);
  });
}

std::vector<wire::StoreSnapshot> Node::all_snapshots() const {
  std::vector<wire::StoreSnapshot> out;
  // A store whose items were all collected still has a watermark worth passing on.
  auto worth = [](const StoreReplica& r) { return r.version() != 0 || !r.empty(); };
  if (worth(own_store_)) out.push_back(own_store_.snapshot_since(self_.id, own_store_.epoch(), 0));
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot) {
    const StoreReplica* r = replicas_[slot].get();
    if (r == nullptr || !worth(*r) || !is_active(members_.at(slot).status)) continue;
    out.push_back(r->snapshot_since(members_.at(slot).id, r->epoch(), 0));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dissemination

void Node::pack_deltas(wire::Packer& packer, const Address& to) {
  packed_handles_.clear();
  store_queue_.select(retransmit_limit(), [&](std::uint32_t handle) {
    const ItemRef& ref = item_refs_[handle];
    const StoreReplica* r = replica_for_key(ref.owner_key);
    const wire::StoreItem* item = r != nullptr ? r->find(ref.key) : nullptr;
    packed_handles_.push_back(handle);
    if (item == nullptr) return BroadcastQueue::Verdict::drop;  // collected meanwhile
    wire::StoreDelta delta{owner_id(ref.owner_key), r->epoch(), *item};
    if (packer.try_add(delta)) {
      ++stats_.deltas_piggybacked;
      return BroadcastQueue::Verdict::taken;
    }
    // A value too large for any datagram rides the stream path to the same peer instead.
    if (wire::encoded_size(delta) + wire::kEnvelopeHeaderSize + 32 > config_.packet_budget) {
      ++stats_.deltas_piggybacked;
      send_stream(to, wire::Packet{wire::Gossip{}, {}, {std::move(delta)}});
      return BroadcastQueue::Verdict::taken;
    }
    packed_handles_.pop_back();
    return BroadcastQueue::Verdict::full;
  });
  // Entries that left the queue (sent their last time, or dropped) release their handles.
  for (std::uint32_t handle : packed_handles_) {
    if (store_queue_.queued(handle)) continue;
    ItemRef& ref = item_refs_[handle];
    item_handles_.erase({ref.owner_key, ref.key});
    ref = ItemRef{};
    free_item_refs_.push_back(handle);
  }
}

void Node::send_sized(const Address& to, wire::Packet packet) {
  wire::Bytes bytes = wire::encode(packet);
  stats_.bytes_sent += bytes.size();
  if (bytes.size() <= config_.packet_budget) {
    ++stats_.datagrams_sent;
    env_.send_datagram(to, bytes);
  } else {
    ++stats_.streams_sent;
    env_.send_stream(to, std::move(bytes));
  }
}

// ---------------------------------------------------------------------------------------------
// Anti-entropy

void Node::store_sync_tick(TimePoint now) {
  next_store_sync_ = now + config_.store_sync_interval;
  if (!joined_ || left_) return;
  auto peers = random_live_members(1, MemberTable::kNoSlot);
  if (peers.empty()) return;
  ++stats_.store_digests_sent;
  send(members_.at(peers[0]).address, wire::StoreDigest{digest_.buckets()});
}

void Node::on_store_digest(const Address& from, const wire::StoreDigest& digest) {
  if (digest.buckets.size() != StoreDigestState::kBuckets) {
    ++stats_.unexpected;  // a peer with another bucket count: nothing comparable
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
  add(self_.id, own_store_);
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot)
    if (replicas_[slot] && is_active(members_.at(slot).status))
      add(members_.at(slot).id, *replicas_[slot]);
  send_sized(from, wire::Packet{std::move(detail), {}, {}});
}

void Node::on_store_digest_detail(const Address& from, const wire::StoreDigestDetail& detail) {
  std::vector<bool> covered(StoreDigestState::kBuckets, false);
  for (std::uint32_t b : detail.buckets)
    if (b < StoreDigestState::kBuckets) covered[b] = true;
  wire::StoreSync sync;
  std::set<MemberId> listed;
  for (const wire::OwnerVersion& theirs : detail.owners) {
    listed.insert(theirs.owner);
    if (theirs.owner != self_.id) {
      const std::uint32_t slot = members_.find(theirs.owner);
      if (slot == MemberTable::kNoSlot || !is_active(members_.at(slot).status)) continue;
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
  offer(self_.id, own_store_);
  for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot)
    if (replicas_[slot] && is_active(members_.at(slot).status))
      offer(members_.at(slot).id, *replicas_[slot]);
  if (sync.snapshots.empty() && sync.wants.empty()) return;
  ++stats_.store_syncs_sent;
  send_sized(from, wire::Packet{std::move(sync), {}, {}});
}

void Node::on_store_sync(const Address& from, const wire::StoreSync& sync, TimePoint now) {
  for (const wire::StoreSnapshot& snap : sync.snapshots) apply_snapshot(snap, now);
  if (sync.wants.empty()) return;
  wire::StoreSync answer;
  for (const wire::OwnerVersion& want : sync.wants) {
    const StoreReplica* mine = replica(want.owner);
    if (mine == nullptr || (mine->empty() && mine->version() == 0)) continue;
    answer.snapshots.push_back(mine->snapshot_since(want.owner, want.epoch, want.version));
  }
  if (answer.snapshots.empty()) return;
  ++stats_.store_syncs_sent;
  send_sized(from, wire::Packet{std::move(answer), {}, {}});
}

void Node::store_gc(TimePoint now) {
  next_store_gc_ = now + std::max<Duration>(config_.tombstone_grace / 10, std::chrono::seconds(1));
  const TimePoint cutoff = now - config_.tombstone_grace;
  own_store_.collect(cutoff);
  for (auto& r : replicas_)
    if (r) r->collect(cutoff);
}

// ---------------------------------------------------------------------------------------------
// Writes

WriteResult Node::write_local(std::string_view key, std::string_view value, std::uint64_t expected,
                              bool erase, TimePoint now, bool system) {
  const StoreLimits limits{std::min<std::size_t>(config_.max_key_bytes, 256),
                           config_.max_value_bytes};
  WriteResult result;
  change_replica(kSelfKey, true, [&](StoreReplica& r, const StoreReplica::ChangeSink& sink) {
    const std::uint64_t before = r.version();
    result = erase ? r.erase(key, expected, now, limits, system)
                   : r.put(key, value, expected, now, limits, system);
    if (result.status != WriteStatus::done || r.version() == before) return false;
    sink(StoreReplica::Change{std::string(key), *r.find(key)});
    return true;
  });
  return result;
}

void Node::write(const MemberId& owner, std::string_view key, std::string_view value,
                 std::uint64_t expected_version, bool erase, TimePoint now, WriteCallback done) {
  auto finish = [&](WriteResult r) {
    if (done) done(r);
  };
  if (owner == self_.id) {
    if (left_ || evicted_) return finish(failure("this member has left"));
    finish(write_local(key, value, expected_version, erase, now, false));
    reschedule(now);
    return;
  }
  const std::uint32_t slot = members_.find(owner);
  if (slot == MemberTable::kNoSlot) return finish(failure("unknown member " + owner.to_string()));
  const MemberRecord& r = members_.at(slot);
  if (!is_active(r.status))
    return finish(
        failure("member " + owner.to_string() + " is " + std::string(to_string(r.status))));
  const StoreLimits limits{std::min<std::size_t>(config_.max_key_bytes, 256),
                           config_.max_value_bytes};
  if (auto why = StoreReplica::invalid(key, erase ? std::string_view() : value, limits, false))
    return finish(failure(*why));

  const std::uint64_t request = next_request_++;
  pending_writes_[request] = PendingWrite{now + config_.write_timeout, std::move(done)};
  ++stats_.remote_writes_sent;
  send_stream(r.address, wire::Packet{wire::StoreWrite{request, owner, std::string(key),
                                                       erase ? std::string() : std::string(value),
                                                       expected_version, erase},
                                      {},
                                      {}});
  reschedule(now);
}

void Node::on_store_write(const Address& from, const wire::StoreWrite& w, TimePoint now) {
  wire::StoreWriteResult out;
  out.request = w.request;
  WriteResult result;
  if (w.owner != self_.id)
    result = failure("not the owner of that store");
  else if (left_)
    result = failure("the owner has left");
  else
    result = write_local(w.key, w.value, w.expected_version, w.erase, now, false);
  switch (result.status) {
    case WriteStatus::done:
      out.outcome = wire::StoreWriteResult::Outcome::done;
      break;
    case WriteStatus::conflict:
      out.outcome = wire::StoreWriteResult::Outcome::conflict;
      break;
    case WriteStatus::failed:
      out.outcome = wire::StoreWriteResult::Outcome::failed;
      break;
  }
  out.item = wire::StoreItem{w.key, result.item.deleted ? std::string() : result.item.value,
                             result.item.version, result.item.deleted};
  out.error = result.error;
  send_stream(from, wire::Packet{std::move(out), {}, {}});
}

void Node::on_store_write_result(const wire::StoreWriteResult& r) {
  auto it = pending_writes_.find(r.request);
  if (it == pending_writes_.end()) return;  // answered after its timeout: already failed
  WriteCallback done = std::move(it->second.done);
  pending_writes_.erase(it);
  WriteResult result;
  switch (r.outcome) {
    case wire::StoreWriteResult::Outcome::done:
      result.status = WriteStatus::done;
      break;
    case wire::StoreWriteResult::Outcome::conflict:
      result.status = WriteStatus::conflict;
      break;
    case wire::StoreWriteResult::Outcome::failed:
      result.status = WriteStatus::failed;
      break;
  }
  result.item = to_item(r.item);
  result.error = r.error;
  if (done) done(result);
}

void Node::write_timeouts(TimePoint now) {
  // Requests are numbered in order and share one timeout, so deadlines rise with the key.
  while (!pending_writes_.empty() && pending_writes_.begin()->second.deadline <= now) {
    WriteCallback done = std::move(pending_writes_.begin()->second.done);
    pending_writes_.erase(pending_writes_.begin());
    if (done)
      done(failure("the owner did not answer within " +
                   std::to_string(
                       std::chrono::duration_cast<std::chrono::milliseconds>(config_.write_timeout)
                           .count()) +
                   " ms"));
  }
}

}  // namespace convoy::core
