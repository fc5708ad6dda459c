// FailureDetector: the probe round, indirect probes, relaying and suspicion timers (see
// failure_detector.hpp).
#include "core/detection/failure_detector.hpp"

#include <algorithm>
#include <cmath>

namespace convoy::core {

FailureDetector::FailureDetector(Context& context, const Membership& membership, Outbox& outbox,
                                 EngineSink& sink)
    : ctx_(context), membership_(membership), outbox_(outbox), sink_(sink) {}

void FailureDetector::start(TimePoint now) {
  const Duration period = ctx_.config.protocol.probe_interval;
  next_probe_ = now + Duration(static_cast<Duration::rep>(
                          ctx_.rng.below(static_cast<std::uint64_t>(period.count()) + 1)));
}

void FailureDetector::tick(TimePoint now) {
  if (now >= next_probe_) probe_tick(now);
  probe_progress(now);
  relay_progress(now);
  expire_suspicions(now);
}

TimePoint FailureDetector::next_deadline() const {
  TimePoint next = next_probe_;
  if (probe_ && !probe_->acked && !probe_->indirect_sent)
    next = std::min(next, probe_->indirect_at);
  for (const auto& [seq, relay] : relays_) next = std::min(next, relay.nack_at);
  if (!suspicions_.empty()) next = std::min(next, suspicions_.next_deadline());
  return next;
}

void FailureDetector::track(std::uint32_t slot) {
  order_.add(slot, ctx_.rng);
}

Duration FailureDetector::suspicion_timeout(std::size_t confirmations) const {
  const ProtocolConfig& p = ctx_.config.protocol;
  const double n = static_cast<double>(std::max<std::size_t>(membership_.cluster_size(), 1));
  const double min = p.suspicion_mult * std::max(1.0, std::log10(n));
  if (p.suspicion_confirmations == 0)
    return std::chrono::duration_cast<Duration>(p.probe_interval * min);
  const double max = min * p.suspicion_max_mult;
  // Lifeguard: logarithmic in the confirmations, so the first ones count the most.
  const double done = std::log(static_cast<double>(confirmations) + 1.0) /
                      std::log(static_cast<double>(p.suspicion_confirmations) + 1.0);
  const double periods = std::max(min, max - (max - min) * done);
  return std::chrono::duration_cast<Duration>(p.probe_interval * periods);
}

void FailureDetector::start_suspicion(std::uint32_t slot, const MemberId& reporter, TimePoint now) {
  ++ctx_.stats.suspicions_raised;
  Suspicion& s = suspects_[slot];
  s.generation = membership_.at(slot).generation;
  s.started = now;
  s.reporters.clear();
  if (!reporter.is_nil()) s.reporters.push_back(reporter);
  s.deadline = now + suspicion_timeout(0);
  suspicions_.start(s.deadline, slot, s.generation);
  // Heard from another member: with a probability that makes about three times the
  // confirmations needed check it in their next probe (fewer than needed: 0.6 % of suspicions), so
  // a real failure is confirmed within a period or two while a false suspicion (one bad link) draws
  // few probes that could fail by chance.
  const std::uint32_t k = ctx_.config.protocol.suspicion_confirmations;
  if (k == 0 || reporter.is_nil() || reporter == membership_.self().id || verify_) return;
  const std::uint64_t others = std::max<std::size_t>(membership_.cluster_size(), 2) - 1;
  if (ctx_.rng.below(others) < 3 * std::uint64_t{k}) verify_ = Verify{slot, s.generation};
}

bool FailureDetector::confirm_suspicion(std::uint32_t slot, const MemberId& reporter,
                                        TimePoint now) {
  auto it = suspects_.find(slot);
  if (it == suspects_.end() || reporter.is_nil()) return false;
  Suspicion& s = it->second;
  if (s.generation != membership_.at(slot).generation) return false;
  if (std::find(s.reporters.begin(), s.reporters.end(), reporter) != s.reporters.end())
    return false;
  // The first reporter raised the suspicion; the others confirm it. Past the confirmations
  // needed, more change nothing and are not passed on.
  const std::size_t confirmations = s.reporters.empty() ? 0 : s.reporters.size() - 1;
  if (confirmations >= ctx_.config.protocol.suspicion_confirmations) return false;
  s.reporters.push_back(reporter);
  ++ctx_.stats.suspicion_confirmations;
  const TimePoint deadline = std::max(now, s.started + suspicion_timeout(s.reporters.size() - 1));
  if (deadline < s.deadline) {
    s.deadline = deadline;
    suspicions_.start(deadline, slot, s.generation);
  }
  return true;
}

void FailureDetector::health_worse(std::uint32_t by) {
  awareness_ = std::min(awareness_ + by, ctx_.config.protocol.awareness_max);
}

void FailureDetector::health_better() {
  if (awareness_ > 0) --awareness_;
}

// ---------------------------------------------------------------------------------------------
// Answering and relaying

void FailureDetector::on_ping(const Address& from, const wire::Ping& ping) {
  if (ping.target != membership_.self().id) {
    // Meant for a member that used to be at this address: do not vouch for it.
    ++ctx_.stats.unexpected;
    return;
  }
  outbox_.send(from, wire::Ack{ping.seq});
}

void FailureDetector::on_ack(const Address& from, const wire::Ack& ack) {
  if (probe_ && probe_->seq == ack.seq) {
    // Only the target, or a relay we asked, can vouch for the target: an ack with a guessed
    // sequence number from anyone else must not keep a dead member alive.
    const bool trusted =
        from == probe_->target_address ||
        std::find(probe_->relays.begin(), probe_->relays.end(), from) != probe_->relays.end();
    if (!trusted) {
      ++ctx_.stats.unexpected;
      return;
    }
    if (!probe_->acked) {
      probe_->acked = true;
      health_better();
    }
    return;
  }
  auto it = relays_.find(ack.seq);
  if (it != relays_.end()) {
    outbox_.send(it->second.requester, wire::Ack{it->second.requester_seq});
    relays_.erase(it);
    return;
  }
  // Late acks (after the probe period) are normal under delay; nothing to do.
}

void FailureDetector::on_nack(const Address& from, const wire::Nack& nack) {
  if (!probe_ || probe_->seq != nack.seq) return;
  const bool asked =
      std::find(probe_->relays.begin(), probe_->relays.end(), from) != probe_->relays.end();
  const bool counted =
      std::find(probe_->nacked.begin(), probe_->nacked.end(), from) != probe_->nacked.end();
  if (!asked || counted) return;
  probe_->nacked.push_back(from);
  ++probe_->nacks_received;
}

void FailureDetector::on_ping_req(const Address& from, const wire::PingReq& req, TimePoint now) {
  if (membership_.left()) return;
  const std::uint64_t seq = next_seq_++;
  // Nack within the requester's deadline (80 % of it, for the way back), whatever our own
  // health; a requester too old to say uses our unstretched timeout. No honest requester waits
  // longer than its most stretched probe period: a longer deadline is a forgery that would keep
  // relay entries alive for weeks.
  const Duration longest =
      ctx_.config.protocol.probe_interval * (1 + ctx_.config.protocol.awareness_max);
  const Duration deadline =
      req.nack_after_ms != 0
          ? std::min<Duration>(std::chrono::milliseconds(req.nack_after_ms), longest)
          : ctx_.config.protocol.probe_timeout;
  relays_[seq] = Relay{from, req.seq, now + deadline * 4 / 5};
  outbox_.send(req.target_address, wire::Ping{seq, req.target});
}

void FailureDetector::relay_progress(TimePoint now) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now >= it->second.nack_at) {
      outbox_.send(it->second.requester, wire::Nack{it->second.requester_seq});
      it = relays_.erase(it);
    } else {
      ++it;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Probing

void FailureDetector::probe_tick(TimePoint now) {
  if (probe_) {
    if (!probe_->acked) {
      ++ctx_.stats.probes_failed;
      // Lifeguard: every nack a relay owed us and did not send suggests that our own links or
      // CPU are the problem; so does having had no relay to ask.
      if (probe_->nacks_expected == 0)
        health_worse();
      else if (probe_->nacks_received < probe_->nacks_expected)
        health_worse(probe_->nacks_expected - probe_->nacks_received);
      const std::uint32_t slot = probe_->slot;
      if (membership_.occupied(slot) && membership_.at(slot).id == probe_->target) {
        // The incarnation we probed: if the member has since refuted or rejoined, this news is
        // older than what we hold and changes nothing.
        wire::MemberUpdate suspect = membership_.update_of(slot);
        suspect.incarnation = probe_->incarnation;
        suspect.status = MemberStatus::suspect;
        suspect.reporter = membership_.self().id;
        sink_.apply(suspect, now, Provenance::gossip);
      }
    }
    probe_.reset();
  }
  // After the last probe's verdict: this period and its timeout stretch by the same score.
  next_probe_ = now + scaled(ctx_.config.protocol.probe_interval);
  if (membership_.left()) return;

  std::uint32_t slot = ProbeSchedule::kNone;
  if (verify_ && membership_.occupied(verify_->slot) &&
      membership_.at(verify_->slot).generation == verify_->generation &&
      membership_.at(verify_->slot).status == MemberStatus::suspect) {
    // A suspicion we heard of: this period's probe checks it instead of the round-robin's next
    // member, which waits one period. The same traffic, and a confirmation (or not) at once.
    slot = verify_->slot;
    ++ctx_.stats.verification_probes;
  } else {
    slot = order_.next(
        ctx_.rng, [&](std::uint32_t s) { return membership_.active(s); },
        [&](std::vector<std::uint32_t>& out) {
          for (std::uint32_t s = 0; s < membership_.table().capacity(); ++s)
            if (membership_.active(s)) out.push_back(s);
        });
  }
  verify_.reset();
  if (slot == ProbeSchedule::kNone) return;

  const MemberRecord& r = membership_.at(slot);
  PendingProbe p;
  p.seq = next_seq_++;
  p.slot = slot;
  p.target_address = r.address;
  p.target = r.id;
  p.incarnation = r.incarnation;
  p.sent_at = now;
  p.indirect_at = now + scaled(ctx_.config.protocol.probe_timeout);
  probe_ = p;
  ++ctx_.stats.probes_sent;
  // Buddy system (Lifeguard): a suspect learns of its suspicion from the probe itself.
  if (r.status == MemberStatus::suspect)
    outbox_.send_with_news_of(r.address, wire::Ping{p.seq, r.id}, slot);
  else
    outbox_.send(r.address, wire::Ping{p.seq, r.id});
}

void FailureDetector::probe_progress(TimePoint now) {
  if (!probe_ || probe_->acked || probe_->indirect_sent || now < probe_->indirect_at) return;
  probe_->indirect_sent = true;
  const std::uint32_t target_slot = probe_->slot;
  if (!membership_.occupied(target_slot) || membership_.at(target_slot).id != probe_->target)
    return;
  const MemberRecord& target = membership_.at(target_slot);
  // The relays answer (or nack) by our deadline: the rest of this probe period.
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_probe_ - now).count();
  const wire::PingReq req{probe_->seq, target.id, target.address,
                          static_cast<std::uint32_t>(std::max<std::int64_t>(remaining, 1))};
  for (std::uint32_t relay :
       membership_.sample_alive(ctx_.config.protocol.indirect_probes, target_slot, ctx_.rng)) {
    ++ctx_.stats.indirect_probes_sent;
    ++probe_->nacks_expected;
    probe_->relays.push_back(membership_.at(relay).address);
    outbox_.send(membership_.at(relay).address, req);
  }
}

void FailureDetector::expire_suspicions(TimePoint now) {
  suspicions_.expire_due(now, [&](const SuspicionTimers::Timer& t) {
    auto it = suspects_.find(t.slot);
    if (it == suspects_.end()) return;
    // A timer of an older suspicion of this slot, or one a confirmation brought forward: the
    // current suspicion keeps its own.
    if (it->second.generation != t.generation || it->second.deadline != t.deadline) return;
    suspects_.erase(it);
    if (!membership_.occupied(t.slot)) return;
    const MemberRecord& r = membership_.at(t.slot);
    if (r.generation != t.generation || r.status != MemberStatus::suspect) return;
    wire::MemberUpdate dead = membership_.update_of(t.slot);
    dead.status = MemberStatus::dead;
    dead.reporter = MemberId{};
    sink_.apply(dead, now, Provenance::gossip);
  });
}

}  // namespace convoy::core
