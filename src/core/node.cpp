// Node: the SWIM engine (see node.hpp for the contract, docs/protocol.md for the essay).
//
// Flow of one protocol period, driven by handle_timer():
//   probe_tick      ping the next target of the shuffled round; finish the previous probe
//                   (no ack at all: suspect the target, and maybe ourselves be slow — Lifeguard)
//   probe_progress  no direct ack within probe_timeout: PingReq through k relays
//   gossip_tick     every gossip_interval, queued updates to `fanout` random members
//   suspicion       a suspect not refuted in time is declared dead
//   push_pull_tick  full-state exchange with one random member (anti-entropy)
//   reconnect_tick  full-state exchange with a dead member or a seed (partition healing)
//   reap            dead and left members are forgotten after reap_after
// Every outgoing datagram carries as many queued updates as fit its budget.
#include "core/node.hpp"

#include "wire/codec.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace convoy::core {

namespace {

// Datagrams from peers with a larger configured budget are still accepted, up to UDP's limit.
constexpr std::size_t kMaxDatagram = 65507;

constexpr std::uint8_t rank(MemberStatus s) {
  return static_cast<std::uint8_t>(s);
}

}  // namespace

Node::Node(Config config, MemberId self, Address advertise, std::uint64_t incarnation,
           std::uint64_t seed, Environment& env)
    : config_(config), env_(env), rng_(seed), own_store_(incarnation + 1) {
  self_.id = self;
  self_.incarnation = incarnation;
  self_.address = advertise;
  self_.status = MemberStatus::alive;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

void Node::start(TimePoint now) {
  if (started_) return;
  started_ = true;
  joined_ = true;
  auto jitter = [&](Duration d) {
    // Spread periodic work so nodes started together do not tick in lockstep.
    return Duration(
        static_cast<Duration::rep>(rng_.below(static_cast<std::uint64_t>(d.count()) + 1)));
  };
  next_probe_ = now + jitter(config_.probe_interval);
  next_gossip_ = now + jitter(config_.gossip_interval);
  next_push_pull_ = now + config_.push_pull_interval + jitter(config_.push_pull_interval);
  next_reconnect_ = now + config_.reconnect_interval + jitter(config_.reconnect_interval);
  next_reap_ = now + config_.reap_after;
  next_store_sync_ = now + jitter(config_.store_sync_interval);
  next_store_gc_ = now + config_.tombstone_grace / 10;
  enqueue_self();
  reschedule(now);
}

void Node::join(std::span<const Address> seeds, TimePoint now) {
  seeds_.clear();
  for (const Address& s : seeds)
    if (s != self_.address) seeds_.push_back(s);
  start(now);
  if (seeds_.empty()) return;  // nobody to join: we are the first member
  joined_ = false;
  join_attempt_ = 0;
  send_stream(seeds_[0], wire::Packet{wire::JoinRequest{self_update()}, {}, {}});
  join_deadline_ = now + config_.join_timeout;
  reschedule(now);
}

void Node::leave(TimePoint now) {
  if (left_ || !started_) return;
  left_ = true;
  self_.status = MemberStatus::left;
  enqueue_self();
  // Tell a few members at once rather than waiting for the next gossip tick.
  for (std::uint32_t slot : random_live_members(config_.fanout, MemberTable::kNoSlot))
    send(members_.at(slot).address, wire::Gossip{});
  reschedule(now);
}

// ---------------------------------------------------------------------------------------------
// Input

void Node::handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                           TimePoint now) {
  ++stats_.datagrams_received;
  stats_.bytes_received += bytes.size();
  wire::DecodeResult r = wire::decode(bytes, kMaxDatagram);
  if (!r.packet) {
    ++stats_.rejected[static_cast<std::size_t>(r.error)];
    return;
  }
  dispatch(from, std::move(*r.packet), false, now);
  reschedule(now);
}

void Node::handle_stream(const Address& from, std::span<const std::uint8_t> bytes, TimePoint now) {
  ++stats_.streams_received;
  stats_.bytes_received += bytes.size();
  wire::DecodeResult r = wire::decode(bytes, config_.max_stream_message);
  if (!r.packet) {
    ++stats_.rejected[static_cast<std::size_t>(r.error)];
    return;
  }
  dispatch(from, std::move(*r.packet), true, now);
  reschedule(now);
}

void Node::dispatch(const Address& from, wire::Packet&& packet, bool via_stream, TimePoint now) {
  if (!started_) return;
  if (evicted_) return;
  // Two prefetch passes before applying: the tables are far larger than the cache, and
  // overlapping the misses of a whole packet's lookups is most of the cost of receiving it.
  for (const wire::MemberUpdate& u : packet.updates) members_.prefetch_index(u.id);
  for (const wire::MemberUpdate& u : packet.updates) members_.prefetch_record(u.id);
  for (const wire::MemberUpdate& u : packet.updates) apply(u, now, ApplyMode::gossip);
  for (const wire::StoreDelta& d : packet.deltas) apply_delta(d, now);
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        // Probes are datagrams by nature; full-state transfers are streams; the rest take
        // whichever path their size calls for.
        constexpr bool stream_only = std::is_same_v<T, wire::JoinRequest> ||
                                     std::is_same_v<T, wire::JoinResponse> ||
                                     std::is_same_v<T, wire::PushPull>;
        constexpr bool datagram_only =
            std::is_same_v<T, wire::Ping> || std::is_same_v<T, wire::Ack> ||
            std::is_same_v<T, wire::Nack> || std::is_same_v<T, wire::PingReq>;
        if ((stream_only && !via_stream) || (datagram_only && via_stream)) {
          ++stats_.unexpected;
          return;
        }
        if constexpr (std::is_same_v<T, wire::Ping>)
          on_ping(from, body);
        else if constexpr (std::is_same_v<T, wire::Ack>)
          on_ack(body);
        else if constexpr (std::is_same_v<T, wire::Nack>)
          on_nack(body);
        else if constexpr (std::is_same_v<T, wire::PingReq>)
          on_ping_req(from, body, now);
        else if constexpr (std::is_same_v<T, wire::JoinRequest>)
          on_join_request(from, body, now);
        else if constexpr (std::is_same_v<T, wire::JoinResponse>)
          on_join_response(from, body, now);
        else if constexpr (std::is_same_v<T, wire::PushPull>)
          on_push_pull(from, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreDigest>)
          on_store_digest(from, body);
        else if constexpr (std::is_same_v<T, wire::StoreDigestDetail>)
          on_store_digest_detail(from, body);
        else if constexpr (std::is_same_v<T, wire::StoreSync>)
          on_store_sync(from, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreWrite>)
          on_store_write(from, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreWriteResult>)
          on_store_write_result(body);
        // Gossip: the updates were the whole point.
      },
      packet.body);
}

void Node::on_ping(const Address& from, const wire::Ping& ping) {
  if (ping.target != self_.id) {
    // Meant for a member that used to be at this address: do not vouch for it.
    ++stats_.unexpected;
    return;
  }
  send(from, wire::Ack{ping.seq});
}

void Node::on_ack(const wire::Ack& ack) {
  if (probe_ && probe_->seq == ack.seq) {
    if (!probe_->acked) {
      probe_->acked = true;
      adjust_awareness(-1);
    }
    return;
  }
  auto it = relays_.find(ack.seq);
  if (it != relays_.end()) {
    send(it->second.requester, wire::Ack{it->second.requester_seq});
    relays_.erase(it);
    return;
  }
  // Late acks (after the probe period) are normal under delay; nothing to do.
}

void Node::on_nack(const wire::Nack& nack) {
  if (probe_ && probe_->seq == nack.seq) ++probe_->nacks_received;
}

void Node::on_ping_req(const Address& from, const wire::PingReq& req, TimePoint now) {
  if (left_) return;
  std::uint64_t seq = next_seq_++;
  relays_[seq] = Relay{from, req.seq, now + scaled(config_.probe_timeout) * 4 / 5};
  send(req.target_address, wire::Ping{seq, req.target});
}

void Node::on_join_request(const Address& from, const wire::JoinRequest& req, TimePoint now) {
  if (left_) return;
  apply(req.self, now, ApplyMode::gossip);
  send_stream(from, wire::Packet{wire::JoinResponse{full_state(), all_snapshots()}, {}, {}});
}

void Node::on_join_response(const Address& from, const wire::JoinResponse& resp, TimePoint now) {
  // A joiner that knows nobody learns the cluster without re-gossiping it: the cluster knows it
  // already. One that does know others (it served as somebody's seed while its own join was
  // pending, or it is rejoining after a partition) is merging two clusters, and it is the only
  // member that knows both: it spreads everything it learned to its old side, and everything its
  // old side knew to the new one, and pushes its state to the seed.
  const bool merging = members_.size() > 0;
  std::vector<std::uint32_t> known_before;
  if (merging)
    for (std::uint32_t s = 0; s < members_.capacity(); ++s)
      if (members_.occupied(s) && is_active(members_.at(s).status)) known_before.push_back(s);
  for (const wire::MemberUpdate& u : resp.members)
    apply(u, now, merging ? ApplyMode::gossip : ApplyMode::join_state);
  for (std::uint32_t s : known_before)
    if (members_.occupied(s)) enqueue(s);
  for (const wire::StoreSnapshot& snap : resp.stores) apply_snapshot(snap, now);
  if (merging) send_stream(from, wire::Packet{wire::PushPull{false, full_state()}, {}, {}});
  if (!joined_) {
    joined_ = true;
    join_deadline_.reset();
    enqueue_self();
    sync_backoff_ = config_.post_join_sync;
    next_push_pull_ = std::min(next_push_pull_, now + sync_backoff_);
    env_.notify(Event{Event::Kind::joined, self_.id, self_.incarnation, self_.address, {}});
  }
}

void Node::on_push_pull(const Address& from, const wire::PushPull& pp, TimePoint now) {
  ++stats_.push_pulls;
  for (const wire::MemberUpdate& u : pp.members) apply(u, now, ApplyMode::push_pull);
  if (!pp.reply && !left_)
    send_stream(from, wire::Packet{wire::PushPull{true, full_state()}, {}, {}});
  if (pp.reply && sync_backoff_ > Duration::zero()) {
    // After a join, anti-entropy repeats at doubling gaps (5 s, 10 s, 20 s...) until the gap
    // reaches the periodic interval. While a cluster settles (a mass join) rumours starve in
    // saturated queues; these exchanges complete every view. Stopping at the first exchange
    // that brought nothing was tried: a node then kept a hole its peer happened to share.
    sync_backoff_ *= 2;
    if (sync_backoff_ >= push_pull_period())
      sync_backoff_ = Duration::zero();
    else
      next_push_pull_ = std::min(next_push_pull_, now + sync_backoff_);
  }
  if (!joined_) {
    // A seed that answers a reconnect push-pull also completes a join that had failed.
    joined_ = true;
    join_deadline_.reset();
    env_.notify(Event{Event::Kind::joined, self_.id, self_.incarnation, self_.address, {}});
  }
}

// ---------------------------------------------------------------------------------------------
// Membership rules
//
// News about member m at incarnation i with status s overrides what we hold (i', s') when
// i > i', or i == i' and s outranks s' (alive < suspect < dead < left). News about ourselves
// that is not "alive" is refuted by raising our incarnation above it.

// Whether news is worth a rumour. Gossip is passed on. A joiner's download is not: the cluster
// knows it already. What a push-pull merge teaches is passed on only when it calls for action
// (a suspicion the member must hear to refute, a death, a departure): "alive" news from a merge
// is old news somewhere, and re-spreading it from every merge floods the queues during mass
// joins, starving the rumours that are still new. Other members repair the same gap with their
// own push-pulls.
bool Node::spreads(ApplyMode mode, MemberStatus status) {
  if (mode == ApplyMode::gossip) return true;
  return mode == ApplyMode::push_pull && status != MemberStatus::alive;
}

bool Node::apply(const wire::MemberUpdate& u, TimePoint now, ApplyMode mode) {
  if (u.id == self_.id) {
    if (left_ || evicted_) return false;
    if (u.status == MemberStatus::evicted) {
      // Eviction is final: no refutation. The node stops taking part; its driver ends it.
      evicted_ = true;
      self_.status = MemberStatus::evicted;
      env_.notify(Event{Event::Kind::self_evicted, self_.id, self_.incarnation, self_.address, {}});
      return false;
    }
    if (u.status != MemberStatus::alive || u.incarnation > self_.incarnation) {
      if (u.incarnation >= self_.incarnation) refute(u.incarnation);
    }
    return false;
  }

  std::uint32_t slot = members_.find(u.id);
  if (slot == MemberTable::kNoSlot) {
    slot = members_.insert(u.id, u.incarnation, u.status, u.address, now);
    if (is_active(u.status)) {
      probe_order_.add(slot, rng_);
      member_event(Event::Kind::member_joined, u.id, u.incarnation, u.address);
      if (u.status == MemberStatus::suspect) start_suspicion(slot, now);
      if (spreads(mode, u.status)) enqueue(slot);
      return true;
    }
    // A tombstone for a member we never saw alive: remembered so stale "alive" news about it
    // cannot bring it back, but not worth spreading.
    reap_queue_.push_back({now + config_.reap_after, slot, members_.at(slot).generation});
    return false;
  }

  const MemberRecord& cur = members_.at(slot);
  if (cur.status == MemberStatus::evicted) return false;  // final until reaped
  MemberStatus status = u.status;
  // A full-state merge reports deaths it may have missed the end of: treat them as suspicion so
  // the member gets the chance to refute (this is what lets partitions heal without flapping).
  if (mode != ApplyMode::gossip && status == MemberStatus::dead && is_active(cur.status))
    status = MemberStatus::suspect;

  bool newer = u.incarnation > cur.incarnation ||
               (u.incarnation == cur.incarnation && rank(status) > rank(cur.status)) ||
               status == MemberStatus::evicted;
  if (!newer) return false;

  MemberStatus before = cur.status;
  members_.update(slot, u.incarnation, status,
                  status == MemberStatus::alive ? u.address : cur.address, now);
  if (is_active(before) != is_active(status)) digest_include(slot, is_active(status));
  const Address& addr = members_.at(slot).address;
  switch (status) {
    case MemberStatus::alive:
      if (before != MemberStatus::alive) {
        // Back from suspicion or death: alive again. Back after leaving: a new membership.
        Event::Kind k =
            before == MemberStatus::left ? Event::Kind::member_joined : Event::Kind::member_alive;
        if (!is_active(before)) probe_order_.add(slot, rng_);
        member_event(k, u.id, u.incarnation, addr);
      }
      break;
    case MemberStatus::suspect:
      if (!is_active(before)) probe_order_.add(slot, rng_);
      start_suspicion(slot, now);
      member_event(Event::Kind::member_suspect, u.id, u.incarnation, addr);
      break;
    case MemberStatus::dead:
      ++stats_.members_declared_dead;
      reap_queue_.push_back({now + config_.reap_after, slot, members_.at(slot).generation});
      member_event(Event::Kind::member_dead, u.id, u.incarnation, addr);
      break;
    case MemberStatus::left:
      reap_queue_.push_back({now + config_.reap_after, slot, members_.at(slot).generation});
      member_event(Event::Kind::member_left, u.id, u.incarnation, addr);
      break;
    case MemberStatus::evicted:
      reap_queue_.push_back({now + config_.reap_after, slot, members_.at(slot).generation});
      member_event(Event::Kind::member_evicted, u.id, u.incarnation, addr);
      break;
  }
  if (spreads(mode, status)) enqueue(slot);
  return true;
}

void Node::refute(std::uint64_t seen_incarnation) {
  self_.incarnation = seen_incarnation + 1;
  ++stats_.refutations;
  adjust_awareness(+1);  // Lifeguard: being suspected hints that we are the slow one
  enqueue_self();
  env_.notify(Event{Event::Kind::self_refuted, self_.id, self_.incarnation, self_.address, {}});
}

void Node::member_event(Event::Kind kind, const MemberId& id, std::uint64_t incarnation,
                        const Address& address) {
  env_.notify(Event{kind, id, incarnation, address, {}});
  if (subscriptions_.empty()) return;
  DirectoryEvent::Kind k;
  switch (kind) {
    case Event::Kind::member_joined:
      k = DirectoryEvent::Kind::member_joined;
      break;
    case Event::Kind::member_suspect:
      k = DirectoryEvent::Kind::member_suspect;
      break;
    case Event::Kind::member_alive:
      k = DirectoryEvent::Kind::member_alive;
      break;
    case Event::Kind::member_dead:
      k = DirectoryEvent::Kind::member_dead;
      break;
    case Event::Kind::member_left:
      k = DirectoryEvent::Kind::member_left;
      break;
    case Event::Kind::member_evicted:
      k = DirectoryEvent::Kind::member_evicted;
      break;
    default:
      return;
  }
  publish_member(k, id, incarnation);
}

bool Node::evict(const MemberId& id, TimePoint now) {
  if (id == self_.id) {
    apply(wire::MemberUpdate{id, self_.incarnation, MemberStatus::evicted, self_.address}, now,
          ApplyMode::gossip);
    return true;
  }
  std::uint32_t slot = members_.find(id);
  if (slot == MemberTable::kNoSlot) return false;
  const MemberRecord& r = members_.at(slot);
  apply(wire::MemberUpdate{r.id, r.incarnation, MemberStatus::evicted, r.address}, now,
        ApplyMode::gossip);
  reschedule(now);
  return true;
}

bool Node::fail(const MemberId& id, TimePoint now) {
  if (id == self_.id) {
    // Declared failed by our own hand: rejoin at once with a higher incarnation.
    refute(self_.incarnation);
    reschedule(now);
    return true;
  }
  std::uint32_t slot = members_.find(id);
  if (slot == MemberTable::kNoSlot) return false;
  const MemberRecord& r = members_.at(slot);
  if (is_active(r.status)) {
    apply(wire::MemberUpdate{r.id, r.incarnation, MemberStatus::dead, r.address}, now,
          ApplyMode::gossip);
  }
  reschedule(now);
  return true;
}

void Node::start_suspicion(std::uint32_t slot, TimePoint now) {
  ++stats_.suspicions_raised;
  double n = static_cast<double>(std::max<std::size_t>(cluster_size(), 1));
  double scale = config_.suspicion_mult * std::max(1.0, std::log10(n));
  auto timeout = std::chrono::duration_cast<Duration>(config_.probe_interval * scale);
  suspicions_.start(now + timeout, slot, members_.at(slot).generation);
}

void Node::declare_dead(std::uint32_t slot, TimePoint now) {
  const MemberRecord& r = members_.at(slot);
  wire::MemberUpdate u{r.id, r.incarnation, MemberStatus::dead, r.address};
  apply(u, now, ApplyMode::gossip);
}

// Queue keys: 0 is this node, slot + 1 another member.
void Node::enqueue(std::uint32_t slot) {
  queue_.push(slot + 1);
}

void Node::enqueue_self() {
  queue_.push(0);
}

// ---------------------------------------------------------------------------------------------
// Timers

void Node::handle_timer(TimePoint now) {
  if (!started_ || evicted_) return;
  join_progress(now);
  if (now >= next_probe_) probe_tick(now);
  probe_progress(now);
  relay_progress(now);
  suspicions_.expire_due(now, [&](const SuspicionTimers::Timer& t) {
    if (members_.occupied(t.slot) && members_.at(t.slot).generation == t.generation &&
        members_.at(t.slot).status == MemberStatus::suspect)
      declare_dead(t.slot, now);
  });
  if (now >= next_gossip_) gossip_tick(now);
  if (now >= next_push_pull_) push_pull_tick(now);
  if (now >= next_reconnect_) reconnect_tick(now);
  if (now >= next_store_sync_) store_sync_tick(now);
  if (now >= next_store_gc_) store_gc(now);
  write_timeouts(now);
  reap(now);
  reschedule(now);
}

void Node::join_progress(TimePoint now) {
  if (joined_ || !join_deadline_ || now < *join_deadline_) return;
  ++join_attempt_;
  if (join_attempt_ >= seeds_.size() * config_.join_rounds) {
    join_deadline_.reset();
    std::string tried;
    for (const Address& s : seeds_) tried += (tried.empty() ? "" : ", ") + s.to_string();
    env_.notify(Event{Event::Kind::join_failed, self_.id, self_.incarnation, self_.address,
                      "no seed answered after " + std::to_string(config_.join_rounds) +
                          " rounds over: " + tried});
    return;
  }
  send_stream(seeds_[join_attempt_ % seeds_.size()],
              wire::Packet{wire::JoinRequest{self_update()}, {}, {}});
  join_deadline_ = now + config_.join_timeout;
}

void Node::probe_tick(TimePoint now) {
  next_probe_ = now + scaled(config_.probe_interval);
  if (probe_) {
    if (!probe_->acked) {
      ++stats_.probes_failed;
      // Lifeguard: relays that did not even nack suggest our own links or CPU are the problem.
      if (probe_->nacks_received < probe_->nacks_expected) adjust_awareness(+1);
      std::uint32_t slot = probe_->slot;
      if (members_.occupied(slot) && members_.at(slot).id == probe_->target &&
          members_.at(slot).status == MemberStatus::alive) {
        const MemberRecord& r = members_.at(slot);
        apply(wire::MemberUpdate{r.id, r.incarnation, MemberStatus::suspect, r.address}, now,
              ApplyMode::gossip);
      }
    }
    probe_.reset();
  }
  if (left_) return;

  std::uint32_t slot = probe_order_.next(
      rng_,
      [&](std::uint32_t s) { return members_.occupied(s) && is_active(members_.at(s).status); },
      [&](std::vector<std::uint32_t>& out) {
        for (std::uint32_t s = 0; s < members_.capacity(); ++s)
          if (members_.occupied(s) && is_active(members_.at(s).status)) out.push_back(s);
      });
  if (slot == ProbeSchedule::kNone) return;

  const MemberRecord& r = members_.at(slot);
  PendingProbe p;
  p.seq = next_seq_++;
  p.slot = slot;
  p.target = r.id;
  p.sent_at = now;
  p.indirect_at = now + scaled(config_.probe_timeout);
  probe_ = p;
  ++stats_.probes_sent;
  // Buddy system (Lifeguard): a suspect learns of its suspicion from the probe itself.
  send(r.address, wire::Ping{p.seq, r.id},
       r.status == MemberStatus::suspect ? slot : MemberTable::kNoSlot);
}

void Node::probe_progress(TimePoint now) {
  if (!probe_ || probe_->acked || probe_->indirect_sent || now < probe_->indirect_at) return;
  probe_->indirect_sent = true;
  std::uint32_t target_slot = probe_->slot;
  if (!members_.occupied(target_slot) || members_.at(target_slot).id != probe_->target) return;
  const MemberRecord& target = members_.at(target_slot);
  wire::PingReq req{probe_->seq, target.id, target.address};
  for (std::uint32_t relay : random_live_members(config_.indirect_probes, target_slot)) {
    ++stats_.indirect_probes_sent;
    ++probe_->nacks_expected;
    send(members_.at(relay).address, req);
  }
}

void Node::relay_progress(TimePoint now) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now >= it->second.nack_at) {
      send(it->second.requester, wire::Nack{it->second.requester_seq});
      it = relays_.erase(it);
    } else {
      ++it;
    }
  }
}

void Node::gossip_tick(TimePoint now) {
  next_gossip_ = now + config_.gossip_interval;
  if (queue_.empty() && store_queue_.empty()) return;
  for (std::uint32_t slot : random_live_members(config_.fanout, MemberTable::kNoSlot)) {
    if (queue_.empty() && store_queue_.empty()) break;
    send(members_.at(slot).address, wire::Gossip{});
  }
}

Duration Node::push_pull_period() const {
  // memberlist's scaling: past 32 members, stretch the interval with log2 N so the cluster-wide
  // full-state traffic grows like N log N rather than N².
  double n = static_cast<double>(cluster_size());
  double mult = n <= 32 ? 1.0 : std::ceil(std::log2(n) - std::log2(32.0)) + 1.0;
  return std::chrono::duration_cast<Duration>(config_.push_pull_interval * mult);
}

void Node::push_pull_tick(TimePoint now) {
  next_push_pull_ = now + push_pull_period();
  if (left_ || !joined_) return;
  auto peers = random_live_members(1, MemberTable::kNoSlot);
  if (peers.empty()) return;
  send_stream(members_.at(peers[0]).address,
              wire::Packet{wire::PushPull{false, full_state()}, {}, {}});
}

void Node::reconnect_tick(TimePoint now) {
  next_reconnect_ = now + config_.reconnect_interval;
  if (left_) return;
  // Candidates: dead members (not reaped yet) and seeds that are not live members. One
  // full-state exchange with either merges two halves of a healed partition.
  std::vector<Address> candidates;
  for (std::uint32_t s = 0; s < members_.capacity(); ++s)
    if (members_.occupied(s) && members_.at(s).status == MemberStatus::dead)
      candidates.push_back(members_.at(s).address);
  for (const Address& seed : seeds_) {
    bool live = false;
    for (std::uint32_t s = 0; s < members_.capacity() && !live; ++s)
      live = members_.occupied(s) && is_active(members_.at(s).status) &&
             members_.at(s).address == seed;
    if (!live) candidates.push_back(seed);
  }
  if (candidates.empty()) return;
  const std::size_t pick = rng_.below(candidates.size());
  send_stream(candidates[pick], wire::Packet{wire::PushPull{false, full_state()}, {}, {}});
}

void Node::reap(TimePoint now) {
  while (!reap_queue_.empty() && reap_queue_.front().at <= now) {
    ReapEntry e = reap_queue_.front();
    reap_queue_.pop_front();
    if (!members_.occupied(e.slot) || members_.at(e.slot).generation != e.generation) continue;
    const MemberRecord& r = members_.at(e.slot);
    if (is_active(r.status)) continue;
    env_.notify(Event{Event::Kind::member_reaped, r.id, r.incarnation, r.address, {}});
    queue_.remove(e.slot + 1);
    drop_replica(e.slot);
    members_.erase(e.slot);
  }
}

void Node::reschedule(TimePoint now) {
  if (!started_) return;
  TimePoint next = std::min({next_probe_, next_gossip_, next_push_pull_, next_reconnect_,
                             next_store_sync_, next_store_gc_});
  if (!pending_writes_.empty()) next = std::min(next, pending_writes_.begin()->second.deadline);
  if (probe_ && !probe_->acked && !probe_->indirect_sent)
    next = std::min(next, probe_->indirect_at);
  if (join_deadline_) next = std::min(next, *join_deadline_);
  if (!relays_.empty()) {
    for (const auto& [seq, relay] : relays_) next = std::min(next, relay.nack_at);
  }
  if (!suspicions_.empty()) next = std::min(next, suspicions_.next_deadline());
  if (!reap_queue_.empty()) next = std::min(next, reap_queue_.front().at);
  next = std::max(next, now);
  if (scheduled_ && *scheduled_ == next) return;
  scheduled_ = next;
  env_.schedule(next);
}

// ---------------------------------------------------------------------------------------------
// Output

void Node::send(const Address& to, wire::Body body, std::uint32_t buddy) {
  wire::Packer packer(wire::Packet{std::move(body), {}, {}}, config_.packet_budget);
  if (buddy != MemberTable::kNoSlot) {
    const MemberRecord& r = members_.at(buddy);
    packer.try_add(wire::MemberUpdate{r.id, r.incarnation, r.status, r.address});
  }
  if (!queue_.empty()) {
    std::uint32_t limit = retransmit_limit();
    queue_.select(limit, [&](std::uint32_t key) {
      wire::MemberUpdate u;
      if (key == 0) {
        u = self_update();
      } else {
        const MemberRecord& r = members_.at(key - 1);
        u = wire::MemberUpdate{r.id, r.incarnation, r.status, r.address};
      }
      if (!packer.try_add(u)) return BroadcastQueue::Verdict::full;
      ++stats_.updates_piggybacked;
      return BroadcastQueue::Verdict::taken;
    });
  }
  if (!store_queue_.empty()) pack_deltas(packer, to);
  wire::Bytes bytes = packer.finish();
  ++stats_.datagrams_sent;
  stats_.bytes_sent += bytes.size();
  env_.send_datagram(to, bytes);
}

void Node::send_stream(const Address& to, wire::Packet packet) {
  wire::Bytes bytes = wire::encode(packet);
  ++stats_.streams_sent;
  stats_.bytes_sent += bytes.size();
  env_.send_stream(to, std::move(bytes));
}

// ---------------------------------------------------------------------------------------------
// Helpers

wire::MemberUpdate Node::self_update() const {
  return self_;
}

std::vector<wire::MemberUpdate> Node::full_state() const {
  std::vector<wire::MemberUpdate> out;
  out.reserve(members_.size() + 1);
  out.push_back(self_update());
  for (std::uint32_t s = 0; s < members_.capacity(); ++s) {
    if (!members_.occupied(s)) continue;
    const MemberRecord& r = members_.at(s);
    out.push_back(wire::MemberUpdate{r.id, r.incarnation, r.status, r.address});
  }
  return out;
}

std::size_t Node::cluster_size() const {
  return members_.count(MemberStatus::alive) + members_.count(MemberStatus::suspect) + 1;
}

std::uint32_t Node::retransmit_limit() const {
  double n = static_cast<double>(cluster_size());
  return config_.dissemination_factor * static_cast<std::uint32_t>(std::ceil(std::log(n + 1.0)));
}

Duration Node::scaled(Duration d) const {
  return d * (1 + awareness_);
}

void Node::adjust_awareness(int delta) {
  if (delta < 0 && awareness_ > 0) --awareness_;
  if (delta > 0 && awareness_ < config_.awareness_max) ++awareness_;
}

std::vector<std::uint32_t> Node::random_live_members(std::size_t k, std::uint32_t exclude) {
  std::vector<std::uint32_t> out;
  std::size_t live = members_.count(MemberStatus::alive) + members_.count(MemberStatus::suspect);
  if (exclude != MemberTable::kNoSlot && members_.occupied(exclude) &&
      is_active(members_.at(exclude).status))
    --live;
  k = std::min(k, live);
  if (k == 0) return out;
  auto eligible = [&](std::uint32_t s) {
    return s != exclude && members_.occupied(s) && is_active(members_.at(s).status) &&
           std::find(out.begin(), out.end(), s) == out.end();
  };
  // Rejection sampling over slots is O(k) while most slots hold live members; fall back to a
  // scan when it keeps missing (a table full of tombstones).

  for (std::size_t tries = 0; out.size() < k && tries < 8 * k + 32; ++tries) {
    const auto s = static_cast<std::uint32_t>(rng_.below(members_.capacity()));
    if (eligible(s)) out.push_back(s);
  }
  if (out.size() < k) {
    std::vector<std::uint32_t> rest;
    for (std::uint32_t s = 0; s < members_.capacity(); ++s)
      if (eligible(s)) rest.push_back(s);
    rng_.shuffle(rest);
    for (std::size_t i = 0; out.size() < k && i < rest.size(); ++i) out.push_back(rest[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Queries

std::size_t Node::count(MemberStatus status) const {
  std::size_t n = members_.count(status);
  if (self_.status == status) ++n;
  return n;
}

std::optional<MemberView> Node::member(const MemberId& id) const {
  if (id == self_.id) return MemberView{self_.id, self_.incarnation, self_.status, self_.address};
  std::uint32_t slot = members_.find(id);
  if (slot == MemberTable::kNoSlot) return std::nullopt;
  const MemberRecord& r = members_.at(slot);
  return MemberView{r.id, r.incarnation, r.status, r.address};
}

std::vector<MemberView> Node::members() const {
  std::vector<MemberView> out;
  for (const wire::MemberUpdate& u : full_state())
    out.push_back(MemberView{u.id, u.incarnation, u.status, u.address});
  return out;
}

}  // namespace convoy::core
