// AntiEntropy: the descent of the digest tree and the transfers it ends in (see
// anti_entropy.hpp for the round).
#include "core/replication/anti_entropy.hpp"

#include "core/replication/snapshot_chunks.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

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
  if (!membership_.joined() || membership_.left()) {
    riding_ = 0;
    return;
  }
  if (riding_ != 0) {
    // No ping took the last round in a whole interval: it goes alone, so rounds never stop.
    auto peers = membership_.sample_active(1, MemberTable::kNoSlot, ctx_.rng);
    if (!peers.empty()) {
      join_exchange(riding_, now);  // its time starts now
      ++ctx_.stats.store_digests_sent;
      outbox_.send(
          membership_.at(peers[0]).address,
          wire::StoreDigest{{wire::DigestRange{0, 0, replication_.digest().root()}}, riding_});
    }
  }
  riding_ = ctx_.rng.next() | 1;
  join_exchange(riding_, now);
}

void AntiEntropy::board(wire::Ping& ping) {
  if (riding_ == 0) return;
  ping.store_root = replication_.digest().root();
  ping.store_exchange = riding_;
  riding_ = 0;
  ++ctx_.stats.store_digests_sent;
}

void AntiEntropy::on_probe_root(const Origin& origin, const wire::Ping& ping, TimePoint now) {
  on_store_digest(
      origin, wire::StoreDigest{{wire::DigestRange{0, 0, ping.store_root}}, ping.store_exchange},
      now);
}

std::size_t AntiEntropy::stream_budget() const {
  // What is left of the receiver's limit after the envelope, the StoreSync framing and a
  // `wants` list; generous, since a refused message would be refused again every round.
  return ctx_.config.network.max_stream_message - 16 * 1024;
}

void AntiEntropy::join_exchange(std::uint64_t exchange, TimePoint now) {
  while (!exchanges_.empty() &&
         (exchanges_.front().until <= now || exchanges_.size() >= kExchanges))
    exchanges_.pop_front();
  exchanges_.push_back(Exchange{exchange, now + kExchangeLife});
}

bool AntiEntropy::in_exchange(std::uint64_t exchange, TimePoint now) const {
  return exchange != 0 && std::any_of(exchanges_.begin(), exchanges_.end(), [&](const Exchange& e) {
           return e.id == exchange && e.until > now;
         });
}

// ---------------------------------------------------------------------------------------------
// The tree

namespace {

std::uint64_t range_key(std::uint32_t level, std::uint32_t index) {
  return (std::uint64_t{level} << 32) | index;
}

}  // namespace

std::vector<std::uint64_t> AntiEntropy::hashes_of(
    const std::vector<wire::DigestRange>& ranges) const {
  std::vector<std::uint64_t> out(ranges.size(), 0);
  // Levels 0 and 1 are kept up to date; deeper ranges are summed in one pass, each owner
  // looked up once per level present.
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> deep;
  std::uint32_t deepest = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const wire::DigestRange& r = ranges[i];
    if (r.level == 0) {
      out[i] = replication_.digest().root();
    } else if (r.level == 1) {
      out[i] = replication_.digest().bucket(r.index);
    } else {
      deep[range_key(r.level, r.index)].push_back(i);
      deepest = std::max(deepest, r.level);
    }
  }
  if (deep.empty()) return out;
  replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
    const std::uint64_t c = StoreDigestState::contribution(owner, standing_of(r));
    if (c == 0) return;
    const std::uint64_t position = StoreDigestState::position(owner);
    for (std::uint32_t level = 2; level <= deepest; ++level) {
      auto it = deep.find(range_key(level, StoreDigestState::index_at(position, level)));
      if (it == deep.end()) continue;
      for (std::size_t i : it->second) out[i] ^= c;
    }
  });
  return out;
}

std::vector<AntiEntropy::Children> AntiEntropy::children_of(
    const std::vector<wire::DigestRange>& ranges) const {
  std::vector<Children> out(ranges.size());
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> where;
  for (std::size_t i = 0; i < ranges.size(); ++i)
    where[range_key(ranges[i].level, ranges[i].index)].push_back(i);
  replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
    const std::uint64_t c = StoreDigestState::contribution(owner, standing_of(r));
    if (c == 0) return;
    const std::uint64_t position = StoreDigestState::position(owner);
    for (std::uint32_t level = 0; level < StoreDigestState::kMaxLevel; ++level) {
      auto it = where.find(range_key(level, StoreDigestState::index_at(position, level)));
      if (it == where.end()) continue;
      const std::uint32_t child =
          StoreDigestState::index_at(position, level + 1) % StoreDigestState::kFanout;
      for (std::size_t i : it->second) {
        ++out[i].owners;
        out[i].hashes[child] ^= c;
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The exchange

void AntiEntropy::on_store_digest(const Origin& origin, const wire::StoreDigest& digest,
                                  TimePoint now) {
  if (digest.exchange == 0) {
    ++ctx_.stats.unexpected;
    return;
  }
  // Taking part in the opener's round: what we answer with belongs to it.
  if (!in_exchange(digest.exchange, now)) join_exchange(digest.exchange, now);
  const std::vector<std::uint64_t> mine = hashes_of(digest.ranges);
  std::vector<wire::DigestRange> differing;
  for (std::size_t i = 0; i < digest.ranges.size() && differing.size() < kMaxExpandedRanges; ++i)
    if (mine[i] != digest.ranges[i].hash) differing.push_back(digest.ranges[i]);
  if (differing.empty()) return;
  const std::vector<Children> children = children_of(differing);

  wire::StoreDigest deeper;
  deeper.exchange = digest.exchange;
  wire::StoreDigestDetail detail;
  detail.exchange = digest.exchange;
  for (std::size_t i = 0; i < differing.size(); ++i) {
    const wire::DigestRange& theirs = differing[i];
    if (theirs.level < StoreDigestState::kMaxLevel && children[i].owners > kDetailOwners) {
      // Too many of our owners here for one detail: one level down, where fewer differ.
      for (std::uint32_t c = 0; c < StoreDigestState::kFanout; ++c)
        deeper.ranges.push_back(
            wire::DigestRange{theirs.level + 1, (theirs.index << StoreDigestState::kLevelBits) | c,
                              children[i].hashes[c]});
      continue;
    }
    detail.ranges.push_back(wire::DigestRange{theirs.level, theirs.index, 0});
  }
  if (!detail.ranges.empty()) {
    replication_.for_each_counted([&](const MemberId& owner, const StoreReplica& r) {
      if (StoreDigestState::contribution(owner, standing_of(r)) == 0) return;
      const std::uint64_t position = StoreDigestState::position(owner);
      for (const wire::DigestRange& d : detail.ranges)
        if (StoreDigestState::in_range(position, d.level, d.index)) {
          detail.owners.push_back(wire::OwnerVersion{owner, r.epoch(), r.version()});
          break;
        }
    });
  }
  if (!deeper.ranges.empty()) {
    ++ctx_.stats.store_digests_sent;
    outbox_.reply(origin, wire::Packet{std::move(deeper), {}, {}});
  }
  if (!detail.ranges.empty()) outbox_.reply(origin, wire::Packet{std::move(detail), {}, {}});
}

void AntiEntropy::on_store_digest_detail(const Origin& origin,
                                         const wire::StoreDigestDetail& detail, TimePoint now) {
  if (!in_exchange(detail.exchange, now)) {
    // Not an answer to a round of ours: a forged detail must not make us send every store.
    ++ctx_.stats.unexpected;
    return;
  }
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
        StoreDigestState::contribution(owner, standing_of(r)) != 0)
      snapshots.push_back(r.snapshot_since(owner, 0, 0));
  });
  if (snapshots.empty() && wants.empty()) return;
  send_sync(origin, std::move(snapshots), std::move(wants), detail.exchange);
}

void AntiEntropy::on_store_sync(const Origin& origin, const wire::StoreSync& sync, TimePoint now) {
  const MemberId& self = membership_.self().id;
  std::vector<wire::StoreSnapshot> corrections;
  for (const wire::StoreSnapshot& snap : sync.snapshots) {
    replication_.apply_snapshot(snap, now);
    // A peer holds our store of an older life (we restarted, and our new store may be empty:
    // then it weighs nothing in the digest, and this is the only sign of the stale replica).
    // We are its authority: answer with our store as it is, which replaces that life's.
    const StoreReplica& own = *replication_.replica(self);
    if (snap.owner == self && snap.epoch < own.epoch() && sync.exchange != 0 &&
        in_exchange(sync.exchange, now))
      corrections.push_back(own.snapshot_since(self, snap.epoch, 0));
  }
  if (!corrections.empty()) send_sync(origin, std::move(corrections), {}, sync.exchange);
  if (sync.wants.empty()) return;
  if (!in_exchange(sync.exchange, now)) {
    ++ctx_.stats.unexpected;  // asking for stores outside any round of ours
    return;
  }
  std::vector<wire::StoreSnapshot> answer;
  for (const wire::OwnerVersion& want : sync.wants) {
    if (want.owner == membership_.self().id) replication_.observe_own_epoch(want.epoch);
    const StoreReplica* mine = replication_.replica(want.owner);
    if (mine == nullptr || (mine->empty() && mine->version() == 0)) continue;
    answer.push_back(mine->snapshot_since(want.owner, want.epoch, want.version));
  }
  if (answer.empty()) return;
  send_sync(origin, std::move(answer), {}, sync.exchange);
}

void AntiEntropy::send_sync(const Origin& origin, std::vector<wire::StoreSnapshot> snapshots,
                            std::vector<wire::OwnerVersion> wants, std::uint64_t exchange) {
  const std::size_t budget = stream_budget();
  auto chunks = chunk_snapshots(std::move(snapshots), budget, budget);
  if (chunks.size() == 1) {
    ++ctx_.stats.store_syncs_sent;
    outbox_.reply(origin,
                  wire::Packet{wire::StoreSync{std::move(chunks[0]), std::move(wants), exchange}});
    return;
  }
  // Pieces of one snapshot must arrive in order: every message takes the stream path.
  for (auto& chunk : chunks) {
    ++ctx_.stats.store_syncs_sent;
    outbox_.reply_by_stream(
        origin, wire::Packet{wire::StoreSync{std::move(chunk), std::move(wants), exchange}});
    wants.clear();
  }
}

}  // namespace convoy::core
