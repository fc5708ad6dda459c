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

void FailureDetector::start_suspicion(std::uint32_t slot, TimePoint now) {
  ++ctx_.stats.suspicions_raised;
  const double n = static_cast<double>(std::max<std::size_t>(membership_.cluster_size(), 1));
  const double scale = ctx_.config.protocol.suspicion_mult * std::max(1.0, std::log10(n));
  const auto timeout =
      std::chrono::duration_cast<Duration>(ctx_.config.protocol.probe_interval * scale);
  suspicions_.start(now + timeout, slot, membership_.at(slot).generation);
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
        sink_.apply(suspect, now, Provenance::gossip);
      }
    }
    probe_.reset();
  }
  // After the last probe's verdict: this period and its timeout stretch by the same score.
  next_probe_ = now + scaled(ctx_.config.protocol.probe_interval);
  if (membership_.left()) return;

  const std::uint32_t slot = order_.next(
      ctx_.rng, [&](std::uint32_t s) { return membership_.active(s); },
      [&](std::vector<std::uint32_t>& out) {
        for (std::uint32_t s = 0; s < membership_.table().capacity(); ++s)
          if (membership_.active(s)) out.push_back(s);
      });
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
    if (!membership_.occupied(t.slot)) return;
    const MemberRecord& r = membership_.at(t.slot);
    if (r.generation != t.generation || r.status != MemberStatus::suspect) return;
    wire::MemberUpdate dead = membership_.update_of(t.slot);
    dead.status = MemberStatus::dead;
    sink_.apply(dead, now, Provenance::gossip);
  });
}

}  // namespace convoy::core
