// FailureDetector: SWIM's probing with Lifeguard's local health. Each probe interval it pings
// the next member of a shuffled round; no ack within the probe timeout, it asks k relays to
// ping the target (PingReq) and expects each relay's ack or nack; nothing by the next probe, the
// target is suspected. A suspect that is not refuted in time is declared dead. It also answers
// other members' pings and relays their indirect probes.
//
// Local health (Lifeguard, as published and as memberlist does it): a score in
// [0, awareness_max], raised by one for every nack a relay owed us and did not send when our
// probe failed (or by one if no relay could be asked: we are likely the slow one), and when we
// must refute a suspicion of ourselves; lowered by one for every acked probe. The probe interval
// and timeout are multiplied by (1 + score), so a struggling member probes less and accuses
// less. A relay nacks by the requester's deadline, carried in the request, not by its own
// (possibly stretched) one: a slow relay must not make a healthy requester doubt itself.
// Relays are alive members only: a suspect relay is likely the problem, not the cure.
#pragma once

#include "core/context.hpp"
#include "core/detection/probe_schedule.hpp"
#include "core/detection/suspicion_timers.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/engine_sink.hpp"
#include "core/membership/membership.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace convoy::core {

class FailureDetector {
 public:
  FailureDetector(Context& context, const Membership& membership, Outbox& outbox, EngineSink& sink);

  /// Arms the first probe at a random point of the first interval, so members started together
  /// do not probe in lockstep.
  void start(TimePoint now);
  /// Probes, indirect probes, relay nacks and suspicion expiries that are due.
  void tick(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;

  /// A member became active: it joins the probe rounds.
  void track(std::uint32_t slot);
  /// A member became suspect (reported by `reporter`, nil if unknown): it is declared dead
  /// unless refuted in time.
  void start_suspicion(std::uint32_t slot, const MemberId& reporter, TimePoint now);
  /// Another member reports the suspicion of `slot` we hold. Returns true if it is a new
  /// independent confirmation that shortened the timeout (news worth passing on).
  bool confirm_suspicion(std::uint32_t slot, const MemberId& reporter, TimePoint now);
  /// The timeout of a suspicion with `confirmations` independent confirmations.
  [[nodiscard]] Duration suspicion_timeout(std::size_t confirmations) const;

  void on_ping(const Address& from, const wire::Ping& ping);
  void on_ack(const Address& from, const wire::Ack& ack);
  void on_nack(const Address& from, const wire::Nack& nack);
  void on_ping_req(const Address& from, const wire::PingReq& req, TimePoint now);

  /// Lifeguard's local health score: 0 is healthy.
  [[nodiscard]] std::uint32_t health_score() const { return awareness_; }
  /// Something suggests we are the slow one (a suspicion of ourselves, a nack that never came).
  void health_worse(std::uint32_t by = 1);
  /// A probe of ours was acked.
  void health_better();

 private:
  struct PendingProbe {
    std::uint64_t seq = 0;
    std::uint32_t slot = 0;
    MemberId target;
    /// The incarnation probed: a failure suspects that one, never a newer life.
    std::uint64_t incarnation = 0;
    TimePoint sent_at;
    TimePoint indirect_at;  ///< when to fall back to indirect probes
    bool acked = false;
    bool indirect_sent = false;
    std::uint32_t nacks_expected = 0;
    std::uint32_t nacks_received = 0;
    /// Addresses an answer may come from: the target's, and each relay's. A nack counts once
    /// per relay, so a duplicated nack cannot stand in for one that never came.
    Address target_address;
    std::vector<Address> relays;
    std::vector<Address> nacked;
  };
  /// A suspicion we hold: when it started, who reported it (the first is not a confirmation),
  /// and its current deadline (timers with another deadline are stale).
  struct Suspicion {
    std::uint64_t generation = 0;
    TimePoint started;
    TimePoint deadline;
    std::vector<MemberId> reporters;
  };
  /// A PingReq we relay: our own ping's seq → who asked and with which seq.
  struct Relay {
    Address requester;
    std::uint64_t requester_seq = 0;
    TimePoint nack_at;
  };

  void probe_tick(TimePoint now);
  void probe_progress(TimePoint now);
  void relay_progress(TimePoint now);
  void expire_suspicions(TimePoint now);
  /// `d` stretched by the local health score.
  [[nodiscard]] Duration scaled(Duration d) const { return d * (1 + awareness_); }

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  EngineSink& sink_;

  ProbeSchedule order_;
  SuspicionTimers suspicions_;
  std::unordered_map<std::uint32_t, Suspicion> suspects_;
  /// A suspicion heard from another member that our next probe checks.
  struct Verify {
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;
  };
  std::optional<Verify> verify_;
  std::optional<PendingProbe> probe_;
  std::map<std::uint64_t, Relay> relays_;  // ordered: iteration order decides send order
  std::uint32_t awareness_ = 0;
  std::uint64_t next_seq_ = 1;
  TimePoint next_probe_{};
};

}  // namespace convoy::core
