// ClusterSync: joins, push-pull and partition healing (see cluster_sync.hpp).
#include "core/membership/cluster_sync.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace convoy::core {

ClusterSync::ClusterSync(Context& context, Membership& membership, Outbox& outbox,
                         Replication& replication, EngineSink& sink)
    : ctx_(context),
      membership_(membership),
      outbox_(outbox),
      replication_(replication),
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
  send_join_request(seeds_[0]);
  join_deadline_ = now + ctx_.config.protocol.join_timeout;
}

void ClusterSync::send_join_request(const Address& seed) {
  outbox_.send_stream(seed, wire::Packet{wire::JoinRequest{membership_.self()}, {}, {}});
}

void ClusterSync::join_progress(TimePoint now) {
  if (membership_.joined() || !join_deadline_ || now < *join_deadline_) return;
  ++join_attempt_;
  const std::uint32_t rounds = ctx_.config.protocol.join_rounds;
  if (join_attempt_ >= seeds_.size() * rounds) {
    join_deadline_.reset();
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
  send_join_request(seeds_[join_attempt_ % seeds_.size()]);
  join_deadline_ = now + ctx_.config.protocol.join_timeout;
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
  outbox_.reply(
      origin,
      wire::Packet{
          wire::JoinResponse{membership_.full_state(), replication_.all_snapshots()}, {}, {}});
}

void ClusterSync::on_join_response(const Origin& origin, const wire::JoinResponse& response,
                                   TimePoint now) {
  // A joiner that knows nobody learns the cluster without re-gossiping it: the cluster knows it
  // already. One that does know others (it served as somebody's seed while its own join was
  // pending, or it is rejoining after a partition) is merging two clusters, and it is the only
  // member that knows both: it spreads everything it learned to its old side, and everything its
  // old side knew to the new one, and pushes its state to the seed.
  const bool merging = membership_.table().size() > 0;
  std::vector<std::uint32_t> known_before;
  if (merging)
    for (std::uint32_t s = 0; s < membership_.table().capacity(); ++s)
      if (membership_.active(s)) known_before.push_back(s);
  for (const wire::MemberUpdate& u : response.members)
    sink_.apply(u, now, merging ? Provenance::gossip : Provenance::join_state);
  for (std::uint32_t s : known_before)
    if (membership_.occupied(s)) outbox_.enqueue_member(s);
  for (const wire::StoreSnapshot& snap : response.stores) replication_.apply_snapshot(snap, now);
  if (merging)
    outbox_.reply(origin, wire::Packet{wire::PushPull{false, membership_.full_state()}, {}, {}});
  if (!membership_.joined()) {
    outbox_.enqueue_self();
    sync_backoff_ = ctx_.config.protocol.post_join_sync;
    next_push_pull_ = std::min(next_push_pull_, now + sync_backoff_);
    joined();
  }
}

// ---------------------------------------------------------------------------------------------
// Anti-entropy and partition healing

void ClusterSync::on_push_pull(const Origin& origin, const wire::PushPull& pp, TimePoint now) {
  ++ctx_.stats.push_pulls;
  for (const wire::MemberUpdate& u : pp.members) sink_.apply(u, now, Provenance::push_pull);
  if (!pp.reply && !membership_.left())
    outbox_.reply(origin, wire::Packet{wire::PushPull{true, membership_.full_state()}, {}, {}});
  if (pp.reply && sync_backoff_ > Duration::zero()) {
    // After a join, anti-entropy repeats at doubling gaps (5 s, 10 s, 20 s...) until the gap
    // reaches the periodic interval. While a cluster settles (a mass join) rumours starve in
    // saturated queues; these exchanges complete every view. Stopping at the first exchange
    // that brought nothing was tried: a member then kept a hole its peer happened to share.
    sync_backoff_ *= 2;
    if (sync_backoff_ >= push_pull_period())
      sync_backoff_ = Duration::zero();
    else
      next_push_pull_ = std::min(next_push_pull_, now + sync_backoff_);
  }
  // A seed that answers a reconnect push-pull also completes a join that had failed.
  if (!membership_.joined()) joined();
}

Duration ClusterSync::push_pull_period() const {
  const double n = static_cast<double>(membership_.cluster_size());
  const double mult = n <= 32 ? 1.0 : std::ceil(std::log2(n) - std::log2(32.0)) + 1.0;
  return std::chrono::duration_cast<Duration>(ctx_.config.protocol.push_pull_interval * mult);
}

void ClusterSync::push_pull_tick(TimePoint now) {
  next_push_pull_ = now + push_pull_period();
  if (membership_.left() || !membership_.joined()) return;
  auto peers = membership_.sample_active(1, MemberTable::kNoSlot, ctx_.rng);
  if (peers.empty()) return;
  outbox_.send_stream(membership_.at(peers[0]).address,
                      wire::Packet{wire::PushPull{false, membership_.full_state()}, {}, {}});
}

void ClusterSync::reconnect_tick(TimePoint now) {
  next_reconnect_ = now + ctx_.config.protocol.reconnect_interval;
  if (membership_.left()) return;
  // Candidates: dead members (not reaped yet) and seeds that are not live members. One
  // full-state exchange with either merges two halves of a healed partition.
  std::vector<Address> candidates;
  const MemberTable& table = membership_.table();
  for (std::uint32_t s = 0; s < table.capacity(); ++s)
    if (table.occupied(s) && table.at(s).status == MemberStatus::dead)
      candidates.push_back(table.at(s).address);
  for (const Address& seed : seeds_) {
    bool live = false;
    for (std::uint32_t s = 0; s < table.capacity() && !live; ++s)
      live = membership_.active(s) && table.at(s).address == seed;
    if (!live) candidates.push_back(seed);
  }
  if (candidates.empty()) return;
  const std::size_t pick = ctx_.rng.below(candidates.size());
  outbox_.send_stream(candidates[pick],
                      wire::Packet{wire::PushPull{false, membership_.full_state()}, {}, {}});
}

}  // namespace convoy::core
