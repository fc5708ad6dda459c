// Engine: routing, the reactions to membership changes, and the timer loop (see engine.hpp for
// the contract and the components, docs/protocol.md for the essay).
//
// One protocol period, as handle_timer() runs it (the order is part of the engine's behaviour:
// a seed replays byte for byte only if it never changes):
//   join retries        a seed that did not answer in time: the next one
//   failure detection   ping the next target of the round; no direct ack in time: PingReq
//                       through k relays; relays that got no answer nack; expired suspicions
//                       become deaths
//   gossip              every gossip_interval, queued news to `fanout` random members
//   cluster sync        full-state push-pull with one random member; reconnect with a dead
//                       member or a seed (partition healing)
//   replication         store digest to one random member; tombstone collection
//   remote writes       requests whose owner did not answer in time fail
//   reaping             dead and left members are forgotten after reap_after
#include "core/engine.hpp"

#include "core/replication/store_epoch.hpp"
#include "wire/codec.hpp"

#include <algorithm>
#include <cassert>
#include <type_traits>

namespace convoy::core {
namespace {

// Datagrams from peers with a larger configured budget are still accepted, up to UDP's limit.
constexpr std::size_t kMaxDatagram = 65507;

WriteResult failure(std::string why) {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = std::move(why);
  return r;
}

}  // namespace

Engine::Engine(const Config& config, MemberId self, Address advertise, std::uint64_t incarnation,
               std::uint64_t seed, Environment& env)
    : config_(config),
      env_(env),
      rng_(seed),
      ctx_{config_, env_, rng_, stats_},
      membership_(config_, self, advertise, incarnation),
      outbox_(ctx_, membership_),
      replication_(ctx_, membership_, subscribers_, make_epoch(incarnation + 1, life_nonce(seed))),
      eager_(ctx_, membership_, outbox_, replication_),
      anti_entropy_(ctx_, membership_, outbox_, replication_),
      detector_(ctx_, membership_, outbox_, *this),
      sync_(ctx_, membership_, outbox_, replication_, anti_entropy_, *this),
      writes_(ctx_, membership_, outbox_, replication_, seed),
      directory_(membership_, replication_) {
  assert(!config_.validate() && "Engine needs a valid Config: call Config::validate() first");
  outbox_.attach(replication_);
  outbox_.attach(static_cast<ProbeRider&>(anti_entropy_));
  replication_.attach(&eager_);
}

Engine::Engine(const Config& config, MemberId self, Address advertise,
               const RestoredState& restored, std::uint64_t seed, Environment& env, TimePoint now)
    : Engine(config, self, advertise, restored.incarnation, seed, env) {
  if (restored.store_epoch != 0) replication_.restore(restored, now);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

void Engine::start(TimePoint now) {
  if (started_) return;
  started_ = true;
  DurableChange facts = replication_.durable_now();
  facts.incarnation = incarnation();
  env_.make_durable(facts);
  membership_.set_joined();
  // Each component arms its timers at a random point of its first interval, so members started
  // together do not tick in lockstep. The order of these calls is the order of the draws.
  detector_.start(now);
  outbox_.start(now);
  sync_.start(now);
  anti_entropy_.start(now);
  replication_.start(now);
  spread_self();
  settle(now);
}

void Engine::join(std::span<const Address> seeds, TimePoint now) {
  sync_.set_seeds(seeds);
  start(now);
  if (!sync_.has_seeds()) return;  // nobody to join: we are the first member
  sync_.begin_join(now);
  settle(now);
}

void Engine::leave(TimePoint now) {
  if (membership_.left() || !started_) return;
  membership_.set_self_status(MemberStatus::left);
  spread_self();
  // Tell a few members at once rather than waiting for the next gossip tick.
  outbox_.gossip_now();
  settle(now);
}

std::size_t Engine::pending_broadcasts() const {
  return outbox_.pending_news() + replication_.pending();
}

// ---------------------------------------------------------------------------------------------
// Input

void Engine::handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                             TimePoint now) {
  ++stats_.datagrams_received;
  stats_.bytes_received += bytes.size();
  wire::DecodeResult r = wire::decode(bytes, kMaxDatagram);
  if (!r.packet) {
    ++stats_.rejected[static_cast<std::size_t>(r.error)];
    return;
  }
  dispatch(Origin::datagram(from), std::move(*r.packet), now);
  settle(now);
}

void Engine::handle_stream(StreamId stream, const Address& peer,
                           std::span<const std::uint8_t> bytes, TimePoint now) {
  ++stats_.streams_received;
  stats_.bytes_received += bytes.size();
  wire::DecodeResult r = wire::decode(bytes, config_.network.max_stream_message);
  if (!r.packet) {
    ++stats_.rejected[static_cast<std::size_t>(r.error)];
    return;
  }
  dispatch(Origin::connection(stream, peer), std::move(*r.packet), now);
  settle(now);
}

void Engine::stream_failed(const Address& to, TimePoint now) {
  if (!running()) return;
  sync_.stream_failed(to, now);
  settle(now);
}

void Engine::dispatch(const Origin& origin, wire::Packet&& packet, TimePoint now) {
  if (!running()) return;
  // Prefetch before applying: the tables are far larger than the cache, and overlapping the
  // misses of a whole packet's lookups is most of the cost of receiving it.
  membership_.prefetch(packet.updates);
  // News learned here is pushed on at the end of the call, but not back where it came from.
  eager_.set_source(origin.path == Origin::Path::datagram ? std::optional<Address>(origin.from)
                                                          : std::nullopt);
  std::size_t fresh = 0;
  for (const wire::MemberUpdate& u : packet.updates) fresh += apply(u, now, Provenance::gossip);
  for (const wire::StoreDelta& d : packet.deltas) fresh += replication_.apply_delta(d, now);
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        // Probes are datagrams by nature; full-state transfers are streams (a push-pull
        // summary, only a hash, is a datagram); the rest take whichever path their size calls
        // for.
        bool stream_only =
            std::is_same_v<T, wire::JoinRequest> || std::is_same_v<T, wire::JoinResponse>;
        if constexpr (std::is_same_v<T, wire::PushPull>) stream_only = !body.members.empty();
        constexpr bool datagram_only =
            std::is_same_v<T, wire::Ping> || std::is_same_v<T, wire::Ack> ||
            std::is_same_v<T, wire::Nack> || std::is_same_v<T, wire::PingReq> ||
            std::is_same_v<T, wire::Push> || std::is_same_v<T, wire::Prune>;
        const bool stream = origin.path == Origin::Path::stream;
        if ((stream_only && !stream) || (datagram_only && stream)) {
          ++stats_.unexpected;
          return;
        }
        if constexpr (std::is_same_v<T, wire::Ping>) {
          detector_.on_ping(origin.from, body);
          if (body.store_exchange != 0) anti_entropy_.on_probe_root(origin, body, now);
        } else if constexpr (std::is_same_v<T, wire::Ack>) {
          detector_.on_ack(origin.from, body);
        } else if constexpr (std::is_same_v<T, wire::Nack>)
          detector_.on_nack(origin.from, body);
        else if constexpr (std::is_same_v<T, wire::PingReq>)
          detector_.on_ping_req(origin.from, body, now);
        else if constexpr (std::is_same_v<T, wire::JoinRequest>)
          sync_.on_join_request(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::JoinResponse>)
          sync_.on_join_response(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::PushPull>)
          sync_.on_push_pull(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreDigest>)
          anti_entropy_.on_store_digest(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreDigestDetail>)
          anti_entropy_.on_store_digest_detail(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreSync>)
          anti_entropy_.on_store_sync(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreWrite>)
          writes_.on_store_write(origin, body, now);
        else if constexpr (std::is_same_v<T, wire::StoreWriteResult>)
          writes_.on_store_write_result(body);
        else if constexpr (std::is_same_v<T, wire::Push>)
          eager_.on_push(body, origin.from, packet.updates.size() + packet.deltas.size(), fresh);
        else if constexpr (std::is_same_v<T, wire::Prune>)
          eager_.on_prune(body);
        // Gossip: the piggybacked news was the whole point.
      },
      packet.body);
  eager_.set_source(std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Membership news and the reactions to it

bool Engine::apply(const wire::MemberUpdate& news, TimePoint now, Provenance provenance) {
  if (news.id == membership_.self().id) {
    apply_about_self(news);
    return false;
  }
  const std::optional<MemberChange> change = membership_.merge(news, now, provenance);
  if (!change) {
    // Not news about the member's state, but maybe another member's report of the suspicion
    // we hold: it shortens the timeout, and is passed on so that everyone counts it.
    if (!membership_.confirms(news)) return false;
    const std::uint32_t slot = membership_.find(news.id);
    if (!detector_.confirm_suspicion(slot, news.reporter, now)) return false;
    membership_.set_reporter(slot, news.reporter);
    spread_member(slot);
    return true;
  }
  react(*change, now);
  sync_.view_changed(now);
  return true;
}

// News about ourselves that is not "alive", or "alive" at a higher incarnation than ours, is
// refuted by raising our incarnation above it. Eviction is final: no refutation; the engine
// stops taking part and its driver ends it.
void Engine::apply_about_self(const wire::MemberUpdate& news) {
  if (membership_.left() || membership_.evicted()) return;
  const wire::MemberUpdate& self = membership_.self();
  if (news.status == MemberStatus::evicted) {
    membership_.set_self_status(MemberStatus::evicted);
    Event e;
    e.kind = Event::Kind::evicted;
    e.member = self.id;
    e.incarnation = self.incarnation;
    e.address = self.address;
    emit(e);
    return;
  }
  if (news.status == MemberStatus::alive && news.address != self.address) {
    // Somebody else, alive at another address, claims our id. Refuting would start a war of
    // incarnations between the two (each refutes the other forever): refuse it and say so. If
    // it is a newer life of ours (we are a stalled zombie), the cluster keeps the newer one.
    if (news.incarnation >= self.incarnation) {
      ++stats_.address_conflicts;
      // Reported once per claim, not once per rumour that repeats it.
      if (reported_conflict_ == std::make_pair(news.address, news.incarnation)) return;
      reported_conflict_ = std::make_pair(news.address, news.incarnation);
      Event e;
      e.kind = Event::Kind::conflict;
      e.member = self.id;
      e.incarnation = news.incarnation;
      e.address = news.address;
      e.detail = "another process claims this member's id at " + news.address.to_string();
      emit(e);
    }
    return;
  }
  if (news.status != MemberStatus::alive || news.incarnation > self.incarnation) {
    if (news.incarnation >= self.incarnation) {
      refute(news.incarnation);
      if (news.status == MemberStatus::dead) emit_self(Event::Kind::rejoined);
    }
  }
}

void Engine::emit_self(Event::Kind kind) {
  const wire::MemberUpdate& self = membership_.self();
  Event e;
  e.kind = kind;
  e.member = self.id;
  e.incarnation = self.incarnation;
  e.address = self.address;
  emit(e);
}

void Engine::refute(std::uint64_t seen_incarnation) {
  membership_.raise_incarnation_above(seen_incarnation);
  // Never to be reused by a later life: durable before the refutation leaves.
  DurableChange change;
  change.incarnation = incarnation();
  env_.make_durable(change);
  ++stats_.refutations;
  detector_.health_worse();  // Lifeguard: being suspected hints that we are the slow one
  spread_self();
  const wire::MemberUpdate& self = membership_.self();
  Event e;
  e.kind = Event::Kind::refuted;
  e.member = self.id;
  e.incarnation = self.incarnation;
  e.address = self.address;
  emit(e);
}

void Engine::react(const MemberChange& change, TimePoint now) {
  const std::uint32_t slot = change.slot;
  if (change.inserted) {
    sync_.member_found(membership_.at(slot).address, now);
    detector_.track(slot);
    emit_member(Event::Kind::member_joined, slot);
    if (change.after == MemberStatus::suspect)
      detector_.start_suspicion(slot, membership_.at(slot).reporter, now);
    if (change.spread) spread_member(slot);
    return;
  }
  const MemberStatus before = change.before;
  if (is_active(before) != is_active(change.after)) {
    if (is_active(change.after))
      replication_.member_activated(slot);
    else
      replication_.member_deactivated(slot);
    if (!is_active(change.after)) eager_.member_gone(slot);
  }
  switch (change.after) {
    case MemberStatus::alive:
      if (before != MemberStatus::alive) {
        // Back from suspicion or death: alive again. Back after leaving: a new membership.
        if (!is_active(before)) {
          sync_.member_found(membership_.at(slot).address, now);
          detector_.track(slot);
        }
        emit_member(
            before == MemberStatus::left ? Event::Kind::member_joined : Event::Kind::member_alive,
            slot);
      }
      break;
    case MemberStatus::suspect:
      if (!is_active(before)) detector_.track(slot);
      detector_.start_suspicion(slot, membership_.at(slot).reporter, now);
      emit_member(Event::Kind::member_suspect, slot);
      break;
    case MemberStatus::dead:
      ++stats_.members_declared_dead;
      emit_member(Event::Kind::member_dead, slot);
      break;
    case MemberStatus::left:
      emit_member(Event::Kind::member_left, slot);
      break;
    case MemberStatus::evicted:
      emit_member(Event::Kind::member_evicted, slot);
      break;
  }
  // After the membership event: a subscriber hears the member is back, then what its store
  // took in meanwhile.
  if (!is_active(before) && is_active(change.after)) replication_.announce_held_back(slot);
  if (change.spread) spread_member(slot);
  if (!is_active(change.after) && membership_.cluster_size() == 1) {
    // We are alone now. Whether everyone else failed or we are the one cut off, no rumour in
    // our queue can reach anybody, and by the time one could, it is stale: a death declared
    // by a member that was cut off, gossiped after the heal, would kill healthy members in
    // every view until they refute. Drop them; reconnecting exchanges full state, in which a
    // death is only a suspicion the member can refute.
    outbox_.forget_news_of_others();
  }
}

void Engine::emit_member(Event::Kind kind, std::uint32_t slot) {
  const MemberRecord& r = membership_.at(slot);
  Event e;
  e.kind = kind;
  e.member = r.id;
  e.incarnation = r.incarnation;
  e.address = r.address;
  emit(e);
}

void Engine::emit(const Event& event) {
  env_.notify(event);
  if (!subscribers_.empty()) subscribers_.publish(event);
}

// ---------------------------------------------------------------------------------------------
// Writes and administration

void Engine::put(const MemberId& owner, std::string_view key, std::string_view value,
                 std::optional<Expectation> expected, TimePoint now, WriteCallback done) {
  if (owner == id()) {
    const WriteResult r = left() || evicted() ? failure("this member has left")
                                              : replication_.put(key, value, expected, now);
    if (done) done(r);
  } else {
    writes_.put(owner, key, value, expected, now, std::move(done));
  }
  settle(now);
}

void Engine::erase(const MemberId& owner, std::string_view key, std::optional<Expectation> expected,
                   TimePoint now, WriteCallback done) {
  if (owner == id()) {
    const WriteResult r = left() || evicted() ? failure("this member has left")
                                              : replication_.erase(key, expected, now);
    if (done) done(r);
  } else {
    writes_.erase(owner, key, expected, now, std::move(done));
  }
  settle(now);
}

bool Engine::evict(const MemberId& target, TimePoint now) {
  if (target == id()) {
    apply_about_self(wire::MemberUpdate{target, incarnation(), MemberStatus::evicted, address()});
    return true;
  }
  const std::uint32_t slot = membership_.find(target);
  if (slot == MemberTable::kNoSlot) return false;
  wire::MemberUpdate news = membership_.update_of(slot);
  news.status = MemberStatus::evicted;
  apply(news, now, Provenance::gossip);
  settle(now);
  return true;
}

bool Engine::fail(const MemberId& target, TimePoint now) {
  if (target == id()) {
    // Declared failed by our own hand: rejoin at once with a higher incarnation.
    refute(incarnation());
    emit_self(Event::Kind::rejoined);
    settle(now);
    return true;
  }
  const std::uint32_t slot = membership_.find(target);
  if (slot == MemberTable::kNoSlot) return false;
  if (membership_.active(slot)) {
    wire::MemberUpdate news = membership_.update_of(slot);
    news.status = MemberStatus::dead;
    apply(news, now, Provenance::gossip);
  }
  settle(now);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Timers

void Engine::handle_timer(TimePoint now) {
  if (!running()) return;
  sync_.join_progress(now);
  detector_.tick(now);
  outbox_.tick(now);
  sync_.tick(now);
  anti_entropy_.tick(now);
  replication_.tick(now);
  writes_.tick(now);
  reap(now);
  settle(now);
}

void Engine::reap(TimePoint now) {
  membership_.reap(now, [&](std::uint32_t slot) {
    if (membership_.at(slot).status == MemberStatus::dead)
      sync_.member_lost(membership_.at(slot).address, now);
    emit_member(Event::Kind::member_reaped, slot);
    outbox_.forget_member(slot);
    replication_.member_reaped(slot);
    eager_.member_gone(slot);
  });
}

void Engine::spread_member(std::uint32_t slot) {
  outbox_.enqueue_member(slot);
  eager_.member_news(key_of_slot(slot));
}

void Engine::spread_self() {
  outbox_.enqueue_self();
  eager_.member_news(kSelfKey);
}

void Engine::announce(MemberKey key) {
  if (is_self_key(key))
    spread_self();
  else
    spread_member(slot_of_key(key));
}

void Engine::settle(TimePoint now) {
  eager_.flush();
  reschedule(now);
}

void Engine::reschedule(TimePoint now) {
  if (!started_) return;
  TimePoint next =
      std::min({detector_.next_deadline(), outbox_.next_deadline(), sync_.next_deadline(),
                anti_entropy_.next_deadline(), replication_.next_deadline(),
                writes_.next_deadline(), membership_.next_deadline()});
  next = std::max(next, now);
  if (scheduled_ && *scheduled_ == next) return;
  scheduled_ = next;
  env_.schedule(next);
}

}  // namespace convoy::core
