// AntiEntropy: the descent of the digest tree and the transfers it ends in (see
// anti_entropy.hpp for the round).
#include "core/replication/anti_entropy.hpp"

#include "core/replication/snapshot_chunks.hpp"

#include <algorithm>
#include <set>

namespace convoy::core {
namespace {

// A StoreDigest may list at most 4,096 ranges (the decoder's limit): 64 differing ranges
// expanded into 64 children each. Ranges beyond that wait for a later round.
constexpr std::size_t kMaxExpandedRanges = 64;

}  // namespace

AntiEntropy::AntiEntropy(Context& context, const Membership& membership, Outbox& outbox,
                         Replication& replication)
    : ctx_(context), membership_(membership), outbox_(outbox), replication_(replication) {}

void AntiEntropy::start(TimePoint now) {
  const Duration period = ctx_.config.store.sync_interval;
  next_round_ = now + Duration(static_cast<Duration::rep>(
                          ctx_.rng.below(static_cast<std::uint64_t>(period.count()) + 1)));
}

void AntiEntropy::tick(TimePoint now) {
  if (now < next_round_) return;
  next_round_ = now + ctx_.config.store.sync_interval;
  if (!membership_.joined() || membership_.left()) return;
  auto peers = membership_.sample_active(1, MemberTable::kNoSlot, ctx_.rng);
  if (peers.empty()) return;
  ++ctx_.stats.store_digests_sent;
  outbox_.send(membership_.at(peers[0]).address,
               wire::StoreDigest{{wire::DigestRange{0, 0, replication_.digest().root()}}});
}

std::size_t AntiEntropy::stream_budget() const {
  // What is left of the receiver's limit after the envelope, the StoreSync framing and a
  // `wants` list; generous, since a refused message would be refused again every round.
  return ctx_.config.network.max_stream_message - 16 * 1024;
}

// ---------------------------------------------------------------------------------------------
// The tree

std::uint64_t AntiEntropy::hash_of(std::uint32_t level, std::uint32_t index) const {
  if (level == 0) return replication_.digest().root();
  if (level == 1) return replication_.digest().bucket(index);
  std::uint64_t hash = 0;
  replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
    if (StoreDigestState::in_range(StoreDigestState::position(owner), level, index))
      hash ^= StoreDigestState::contribution(owner, r.epoch(), r.version());
  });
  return hash;
}

std::array<std::uint64_t, StoreDigestState::kFanout> AntiEntropy::children_of(
    std::uint32_t level, std::uint32_t index, std::size_t& owners) const {
  std::array<std::uint64_t, StoreDigestState::kFanout> children{};
  owners = 0;
  replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
    const std::uint64_t c = StoreDigestState::contribution(owner, r.epoch(), r.version());
    if (c == 0) return;
    const std::uint64_t position = StoreDigestState::position(owner);
    if (!StoreDigestState::in_range(position, level, index)) return;
    ++owners;
    children[StoreDigestState::index_at(position, level + 1) % StoreDigestState::kFanout] ^= c;
  });
  return children;
}

// ---------------------------------------------------------------------------------------------
// The exchange

void AntiEntropy::on_store_digest(const Origin& origin, const wire::StoreDigest& digest) {
  wire::StoreDigest deeper;
  wire::StoreDigestDetail detail;
  std::size_t expanded = 0;
  for (const wire::DigestRange& theirs : digest.ranges) {
    if (hash_of(theirs.level, theirs.index) == theirs.hash) continue;
    if (expanded == kMaxExpandedRanges) break;
    ++expanded;
    std::size_t owners = 0;
    const auto children = children_of(theirs.level, theirs.index, owners);
    if (theirs.level < StoreDigestState::kMaxLevel && owners > kDetailOwners) {
      // Too many of our owners here for one detail: one level down, where fewer differ.
      for (std::uint32_t c = 0; c < StoreDigestState::kFanout; ++c)
        deeper.ranges.push_back(wire::DigestRange{
            theirs.level + 1, (theirs.index << StoreDigestState::kLevelBits) | c, children[c]});
      continue;
    }
    detail.ranges.push_back(wire::DigestRange{theirs.level, theirs.index, 0});
    replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
      if (StoreDigestState::contribution(owner, r.epoch(), r.version()) != 0 &&
          StoreDigestState::in_range(StoreDigestState::position(owner), theirs.level, theirs.index))
        detail.owners.push_back(wire::OwnerVersion{owner, r.epoch(), r.version()});
    });
  }
  if (!deeper.ranges.empty()) {
    ++ctx_.stats.store_digests_sent;
    outbox_.reply(origin, wire::Packet{std::move(deeper), {}, {}});
  }
  if (!detail.ranges.empty()) outbox_.reply(origin, wire::Packet{std::move(detail), {}, {}});
}

void AntiEntropy::on_store_digest_detail(const Origin& origin,
                                         const wire::StoreDigestDetail& detail) {
  auto covered = [&](const MemberId& owner) {
    const std::uint64_t position = StoreDigestState::position(owner);
    return std::any_of(detail.ranges.begin(), detail.ranges.end(), [&](const wire::DigestRange& r) {
      return StoreDigestState::in_range(position, r.level, r.index);
    });
  };
  const MemberId& self = membership_.self().id;
  std::vector<wire::StoreSnapshot> snapshots;
  std::vector<wire::OwnerVersion> wants;
  std::set<MemberId> listed;
  for (const wire::OwnerVersion& theirs : detail.owners) {
    if (!covered(theirs.owner)) continue;  // not what we asked about
    listed.insert(theirs.owner);
    if (theirs.owner == self) {
      replication_.observe_own_epoch(theirs.epoch);
    } else {
      const std::uint32_t slot = membership_.find(theirs.owner);
      if (slot == MemberTable::kNoSlot || !membership_.active(slot)) continue;
    }
    const StoreReplica* mine = replication_.replica(theirs.owner);
    const std::uint64_t epoch = mine ? mine->epoch() : 0;
    const std::uint64_t version = mine ? mine->version() : 0;
    if (epoch > theirs.epoch || (epoch == theirs.epoch && version > theirs.version))
      snapshots.push_back(mine->snapshot_since(theirs.owner, theirs.epoch, theirs.version));
    else if (theirs.epoch > epoch || theirs.version > version)
      wants.push_back(wire::OwnerVersion{theirs.owner, epoch, version});
  }
  // Owners in the covered ranges that the peer did not list at all: it holds nothing of them.
  replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
    if (covered(owner) && !listed.count(owner) &&
        StoreDigestState::contribution(owner, r.epoch(), r.version()) != 0)
      snapshots.push_back(r.snapshot_since(owner, 0, 0));
  });
  if (snapshots.empty() && wants.empty()) return;
  send_sync(origin, std::move(snapshots), std::move(wants));
}

void AntiEntropy::on_store_sync(const Origin& origin, const wire::StoreSync& sync, TimePoint now) {
  for (const wire::StoreSnapshot& snap : sync.snapshots) replication_.apply_snapshot(snap, now);
  if (sync.wants.empty()) return;
  std::vector<wire::StoreSnapshot> answer;
  for (const wire::OwnerVersion& want : sync.wants) {
    if (want.owner == membership_.self().id) replication_.observe_own_epoch(want.epoch);
    const StoreReplica* mine = replication_.replica(want.owner);
    if (mine == nullptr || (mine->empty() && mine->version() == 0)) continue;
    answer.push_back(mine->snapshot_since(want.owner, want.epoch, want.version));
  }
  if (answer.empty()) return;
  send_sync(origin, std::move(answer), {});
}

void AntiEntropy::send_sync(const Origin& origin, std::vector<wire::StoreSnapshot> snapshots,
                            std::vector<wire::OwnerVersion> wants) {
  const std::size_t budget = stream_budget();
  auto chunks = chunk_snapshots(std::move(snapshots), budget, budget);
  if (chunks.size() == 1) {
    ++ctx_.stats.store_syncs_sent;
    outbox_.reply(origin, wire::Packet{wire::StoreSync{std::move(chunks[0]), std::move(wants)}});
    return;
  }
  // Pieces of one snapshot must arrive in order: every message takes the stream path.
  for (auto& chunk : chunks) {
    ++ctx_.stats.store_syncs_sent;
    outbox_.reply_by_stream(origin,
                            wire::Packet{wire::StoreSync{std::move(chunk), std::move(wants)}});
    wants.clear();
  }
}

}  // namespace convoy::core
