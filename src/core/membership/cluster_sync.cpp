// ClusterSync: joins, push-pull and partition healing (see cluster_sync.hpp).
#include "core/membership/cluster_sync.hpp"

#include "core/replication/snapshot_chunks.hpp"
#include "wire/codec.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace convoy::core {

ClusterSync::ClusterSync(Context& context, Membership& membership, Outbox& outbox,
                         Replication& replication, AntiEntropy& anti_entropy, EngineSink& sink)
    : ctx_(context),
      membership_(membership),
      outbox_(outbox),
      replication_(replication),
      anti_entropy_(anti_entropy),
      sink_(sink) {}

void ClusterSync::start(TimePoint now) {
  auto jitter = [&](Duration d) {
    return Duration(
        static_cast<Duration::rep>(ctx_.rng.below(static_cast<std::uint64_t>(d.count()) + 1)));
  };
  const ProtocolConfig& p = ctx_.config.protocol;
  next_push_pull_ = now + p.push_pull_interval + jitter(p.push_pull_interval);
  next_reconnect_ = now + p.reconnect_interval + jitter(p.reconnect_interval);
}

void ClusterSync::set_seeds(std::span<const Address> seeds) {
  seeds_.clear();
  for (const Address& s : seeds)
    if (s != membership_.self().address) seeds_.push_back(s);
}

void ClusterSync::begin_join(TimePoint now) {
  membership_.set_joining();
  join_attempt_ = 0;
  join_failure_reported_ = false;
  send_join_request(seeds_[0]);
  join_deadline_ = now + ctx_.config.protocol.join_timeout;
}

void ClusterSync::send_join_request(const Address& seed) {
  // A fresh random id per request: only the answer to this one, from this seed, is accepted.
  join_request_ = ctx_.rng.next() | 1;
  join_seed_ = seed;
  outbox_.send_stream(seed,
                      wire::Packet{wire::JoinRequest{membership_.self(), join_request_}, {}, {}});
}

void ClusterSync::join_progress(TimePoint now) {
  if (membership_.joined() || !join_deadline_ || now < *join_deadline_) return;
  ++join_attempt_;
  Duration wait = ctx_.config.protocol.join_timeout;
  const std::uint32_t rounds = ctx_.config.protocol.join_rounds;
  if (join_attempt_ >= seeds_.size() * rounds) {
    if (!join_failure_reported_) {
      // The rounds are over: report once, and ask again only a reconnect interval from now.
      join_failure_reported_ = true;
      join_deadline_ = now + ctx_.config.protocol.reconnect_interval;
      std::string tried;
      for (const Address& s : seeds_) tried += (tried.empty() ? "" : ", ") + s.to_string();
      Event e;
      e.kind = Event::Kind::join_failed;
      e.member = membership_.self().id;
      e.incarnation = membership_.self().incarnation;
      e.address = membership_.self().address;
      e.detail = "no seed answered after " + std::to_string(rounds) + " rounds over: " + tried;
      sink_.emit(e);
      return;
    }
    // Keep asking, slowly: a driver that gives up stops the engine; one that does not gets a
    // member that joins as soon as a seed is back.
    wait = ctx_.config.protocol.reconnect_interval;
  }
  send_join_request(seeds_[join_attempt_ % seeds_.size()]);
  join_deadline_ = now + wait;
}

void ClusterSync::stream_failed(const Address& to, TimePoint now) {
  if (membership_.joined() || !join_deadline_ || join_request_ == 0 || to != join_seed_) return;
  if (join_failure_reported_ || (join_attempt_ + 1) % seeds_.size() == 0) return;  // end of round
  join_deadline_ = now;
  join_progress(now);
}

void ClusterSync::view_changed(TimePoint now) {
  if (!settle_deadline_) return;
  next_push_pull_ = std::min(*settle_deadline_, now + settle_delay());
}

Duration ClusterSync::settle_delay() const {
  return 2 * ctx_.config.dissemination.gossip_interval;
}

void ClusterSync::tick(TimePoint now) {
  if (now >= next_push_pull_) push_pull_tick(now);
  if (now >= next_reconnect_) reconnect_tick(now);
}

TimePoint ClusterSync::next_deadline() const {
  TimePoint next = std::min(next_push_pull_, next_reconnect_);
  if (join_deadline_) next = std::min(next, *join_deadline_);
  return next;
}

void ClusterSync::joined() {
  membership_.set_joined();
  join_deadline_.reset();
  Event e;
  e.kind = Event::Kind::joined;
  e.member = membership_.self().id;
  e.incarnation = membership_.self().incarnation;
  e.address = membership_.self().address;
  sink_.emit(e);
}

// ---------------------------------------------------------------------------------------------
// Joining

void ClusterSync::on_join_request(const Origin& origin, const wire::JoinRequest& request,
                                  TimePoint now) {
  if (membership_.left()) return;
  sink_.apply(request.self, now, Provenance::gossip);
  wire::JoinResponse response;
  response.request = request.request;
  response.members = membership_.full_state();
  // What we hold of the joiner's own store tells a member restarted without memory which epoch
  // its previous life reached, so that its new one starts above it.
  if (const StoreReplica* r = replication_.replica(request.self.id);
      r != nullptr && r->epoch() != 0)
    response.joiner_store = wire::OwnerVersion{request.self.id, r->epoch(), r->version()};
  std::size_t members_size = 0;
  for (const wire::MemberUpdate& u : response.members) members_size += wire::encoded_size(u);
  const std::size_t budget = anti_entropy_.stream_budget();
  auto chunks = chunk_snapshots(replication_.all_snapshots(),
                                members_size < budget ? budget - members_size : 0, budget);
  response.stores = std::move(chunks[0]);
  outbox_.reply(origin, wire::Packet{std::move(response), {}, {}});
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    ++ctx_.stats.store_syncs_sent;
    outbox_.reply(origin, wire::Packet{wire::StoreSync{std::move(chunks[i]), {}, 0}, {}, {}});
  }
}

void ClusterSync::on_join_response(const Origin& origin, const wire::JoinResponse& response,
                                   TimePoint now) {
  if (membership_.joined() || join_request_ == 0 || response.request != join_request_) {
    ++ctx_.stats.join_responses_dropped;
    return;
  }
  join_request_ = 0;
  if (response.joiner_store) replication_.observe_own_epoch(response.joiner_store->epoch);
  // A joiner that knows nobody learns the cluster without re-gossiping it: the cluster knows it
  // already. One that does know others (it served as somebody's seed while its own join was
  // pending) is merging two clusters, and it is the only member that knows both: it spreads
  // everything it learned to its old side, and everything its old side knew to the new one, and
  // pushes its state to the seed.
  const bool merging = membership_.table().size() > 0;
  std::vector<std::uint32_t> known_before;
  if (merging)
    for (std::uint32_t s = 0; s < membership_.table().capacity(); ++s)
      if (membership_.active(s)) known_before.push_back(s);
  for (const wire::MemberUpdate& u : response.members)
    sink_.apply(u, now, merging ? Provenance::gossip : Provenance::join_state);
  for (std::uint32_t s : known_before)
    if (membership_.occupied(s)) sink_.announce(key_of_slot(s));
  for (const wire::StoreSnapshot& snap : response.stores) replication_.apply_snapshot(snap, now);
  if (merging)
    outbox_.reply(origin, wire::Packet{wire::PushPull{false, membership_.full_state()}, {}, {}});
  sink_.announce(kSelfKey);
  sync_backoff_ = ctx_.config.protocol.post_join_sync;
  settle_deadline_ = now + sync_backoff_;
  next_push_pull_ = std::min(next_push_pull_, now + std::min(settle_delay(), sync_backoff_));
  joined();
}

// ---------------------------------------------------------------------------------------------
// Anti-entropy and partition healing

void ClusterSync::on_push_pull(const Origin& origin, const wire::PushPull& pp, TimePoint now) {
  ++ctx_.stats.push_pulls;
  // The periodic exchange opens with a summary (the view's hash): the full states travel only
  // when the views differ, so a settled cluster's anti-entropy costs two hashes an exchange.
  if (pp.members.empty() && pp.members_hash != 0) {
    if (pp.reply) {
      if (pp.members_hash != exchange_hash_) {
        // Not an answer to our summary: forged, or to an exchange since replaced by another.
        ++ctx_.stats.unexpected;
        return;
      }
      ++ctx_.stats.push_pulls_equal;
      exchange_answered(now);
      return;
    }
    if (membership_.left()) return;
    if (pp.members_hash == membership_.view_hash()) {
      outbox_.reply(
          origin,
          wire::Packet{wire::PushPull{true, {}, false, membership_.view_hash(), false}, {}, {}});
      return;
    }
    wire::PushPull answer{true, membership_.full_state()};
    answer.send_yours = true;
    // Over the stream path even when it would fit a datagram: a forged summary (a random hash
    // from a spoofed source) must not make us send a full state at a third party's address.
    outbox_.reply_by_stream(origin, wire::Packet{std::move(answer), {}, {}});
    return;
  }
  const Provenance provenance = pp.heal ? Provenance::heal : Provenance::push_pull;
  std::size_t changes = 0;
  for (const wire::MemberUpdate& u : pp.members) changes += sink_.apply(u, now, provenance) ? 1 : 0;
  if (pp.heal && changes > 0 && sync_backoff_ == Duration::zero()) {
    // Two sides just met. The news spreads as rumours, and a rumour can miss a member; repeat
    // the exchange soon, at doubling gaps, as after a join, so that no view keeps a hole until
    // the periodic push-pull.
    sync_backoff_ = ctx_.config.protocol.post_join_sync;
    next_push_pull_ = std::min(next_push_pull_, now + sync_backoff_);
  }
  if (!pp.reply && !membership_.left()) {
    wire::PushPull answer{true, membership_.full_state()};
    answer.heal = pp.heal;  // the initiator learns as much news for its side as we did for ours
    outbox_.reply(origin, wire::Packet{std::move(answer), {}, {}});
  }
  if (pp.reply && pp.send_yours) {
    // The answer to our summary: the views differ. Complete the exchange with ours.
    if (!membership_.left())
      outbox_.reply(origin, wire::Packet{wire::PushPull{true, membership_.full_state()}, {}, {}});
    exchange_answered(now);
  }
}

void ClusterSync::exchange_answered(TimePoint now) {
  if (!std::exchange(exchange_pending_, false)) return;
  if (sync_backoff_ > Duration::zero()) {
    // After a join, anti-entropy repeats at doubling gaps (5 s, 10 s, 20 s...) until the gap
    // reaches the periodic interval. While a cluster settles (a mass join) rumours starve in
    // saturated queues; these exchanges complete every view. Stopping at the first exchange
    // that brought nothing was tried: a member then kept a hole its peer happened to share.
    sync_backoff_ *= 2;
    if (sync_backoff_ >= push_pull_period()) {
      sync_backoff_ = Duration::zero();
      next_push_pull_ = now + push_pull_period();
    } else {
      next_push_pull_ = now + sync_backoff_;
    }
  }
}

void ClusterSync::member_found(const Address& address, TimePoint now) {
  if (now < next_eager_heal_ || membership_.left() || !membership_.joined()) return;
  auto it =
      std::find_if(lost_.begin(), lost_.end(), [&](const Lost& l) { return l.address == address; });
  if (it == lost_.end()) return;
  lost_.erase(it);
  next_eager_heal_ = now + std::chrono::seconds(1);
  send_heal(address);
}

void ClusterSync::send_heal(const Address& to) {
  wire::PushPull heal{false, membership_.full_state()};
  heal.heal = true;
  outbox_.send_stream(to, wire::Packet{std::move(heal), {}, {}});
}

void ClusterSync::member_lost(const Address& address, TimePoint now) {
  for (auto it = lost_.begin(); it != lost_.end(); ++it)
    if (it->address == address) {
      lost_.erase(it);
      break;
    }
  if (lost_.size() == kLostAddresses) lost_.pop_front();
  lost_.push_back(Lost{address, now});
}

Duration ClusterSync::push_pull_period() const {
  const double n = static_cast<double>(membership_.cluster_size());
  const double mult = n <= 32 ? 1.0 : std::ceil(std::log2(n) - std::log2(32.0)) + 1.0;
  return std::chrono::duration_cast<Duration>(ctx_.config.protocol.push_pull_interval * mult);
}

void ClusterSync::push_pull_tick(TimePoint now) {
  // While the post-join exchanges run, an unanswered one (its datagram lost) is tried again
  // after the same gap; its answer sets the next, doubled gap (exchange_answered).
  next_push_pull_ = now + (sync_backoff_ > Duration::zero() ? sync_backoff_ : push_pull_period());
  settle_deadline_.reset();
  if (membership_.left() || !membership_.joined()) return;
  auto peers = membership_.sample_active(1, MemberTable::kNoSlot, ctx_.rng);
  if (peers.empty()) return;
  // The summary goes as a datagram (with whatever news fits beside it): in a settled cluster
  // the views are equal and the whole exchange is two small datagrams. Over TCP it cost a
  // connection each time (handshake, accept, a minute of idle connection), about 5 ms of CPU
  // a side on the 2-core VM of docs/results.md, a third of an idle agent's CPU at 64 members.
  // Views that differ are answered with the full state, over the stream path when it is large.
  exchange_pending_ = true;
  exchange_hash_ = membership_.view_hash();
  outbox_.send(membership_.at(peers[0]).address,
               wire::PushPull{false, {}, false, exchange_hash_, false});
}

void ClusterSync::reconnect_tick(TimePoint now) {
  next_reconnect_ = now + ctx_.config.protocol.reconnect_interval;
  // A member still joining reaches the seeds through its join requests.
  if (membership_.left() || !membership_.joined()) return;
  while (!lost_.empty() && now - lost_.front().at > kLostFor) lost_.pop_front();
  // Candidates: dead members (not reaped yet), members lost to a long partition (reaped, but
  // remembered), and seeds that are not live members. One full-state exchange with any of them
  // merges two halves of a healed partition.
  const MemberTable& table = membership_.table();
  auto live_at = [&](const Address& address) {
    for (std::uint32_t s = 0; s < table.capacity(); ++s)
      if (membership_.active(s) && table.at(s).address == address) return true;
    return false;
  };
  std::vector<Address> candidates;
  for (std::uint32_t s = 0; s < table.capacity(); ++s)
    if (table.occupied(s) && table.at(s).status == MemberStatus::dead)
      candidates.push_back(table.at(s).address);
  for (const Lost& lost : lost_)
    if (!live_at(lost.address)) candidates.push_back(lost.address);
  for (const Address& seed : seeds_)
    if (!live_at(seed)) candidates.push_back(seed);
  if (candidates.empty()) return;
  const std::size_t pick = ctx_.rng.below(candidates.size());
  send_heal(candidates[pick]);
}

}  // namespace convoy::core
