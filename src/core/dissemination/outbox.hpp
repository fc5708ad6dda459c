// Outbox: every message this member sends leaves through here. Datagrams carry as many queued
// rumours as fit their budget — membership news first, then store deltas — whatever made them
// go out (a probe, an ack, a gossip tick), so "what to send" stays independent of "when". It also
// keeps the membership rumour queue and the gossip timer that pushes queued news to `fanout`
// random members every gossip interval.
#pragma once

#include "core/context.hpp"
#include "core/dissemination/broadcast_queue.hpp"
#include "core/dissemination/piggyback_source.hpp"
#include "core/dissemination/probe_rider.hpp"
#include "core/membership/member_key.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>

#include <cstdint>

namespace convoy::core {

class Outbox {
 public:
  Outbox(Context& context, const Membership& membership);

  /// Store deltas and other non-membership news to piggyback after the membership news.
  void attach(PiggybackSource& source) { extra_ = &source; }
  /// What rides on pings (the opening of anti-entropy rounds).
  void attach(ProbeRider& rider) { rider_ = &rider; }

  /// Arms the gossip timer at a random point of the first interval.
  void start(TimePoint now);
  /// Gossips queued news if the interval has come.
  void tick(TimePoint now);
  /// The next gossip tick, or never while nothing is queued: an idle member is not woken five
  /// times a second for nothing (the runtime's idle CPU is mostly wakeups). News queued after a
  /// quiet spell goes out at once if its tick has passed.
  [[nodiscard]] TimePoint next_deadline() const { return idle() ? TimePoint::max() : next_gossip_; }

  // --- Membership rumours -----------------------------------------------------------------------

  /// Queues the current state of member `slot` (replacing older queued news of it).
  void enqueue_member(std::uint32_t slot) { news_.push(key_of_slot(slot)); }
  /// Queues this member's own current state.
  void enqueue_self() { news_.push(kSelfKey); }
  /// The member in `slot` is forgotten: its queued news goes too.
  void forget_member(std::uint32_t slot) { news_.remove(key_of_slot(slot)); }
  /// Drops every queued rumour about other members (ours stays).
  void forget_news_of_others() { news_.clear_except(kSelfKey); }
  /// Membership rumours still queued.
  [[nodiscard]] std::size_t pending_news() const { return news_.size(); }
  /// Counts `n` sends of membership news `key` made by an eager push.
  void add_sends(MemberKey key, std::uint32_t n) { news_.add_sends(key, n, retransmit_limit()); }
  /// A datagram exactly as given (an eager push, already packed).
  void send_packet(const Address& to, const wire::Packet& packet);
  /// Our own state is still being spread.
  [[nodiscard]] bool announcing_self() const { return news_.queued(kSelfKey); }
  /// Each rumour is sent at most factor × ⌈ln(N+1)⌉ times.
  [[nodiscard]] std::uint32_t retransmit_limit() const;

  // --- Sending ----------------------------------------------------------------------------------

  /// A datagram with `body` and as many queued rumours as fit.
  void send(const Address& to, wire::Body body);
  /// The same, with the current state of member `slot` first, ahead of the queue (Lifeguard's
  /// buddy system: a suspect learns of its suspicion from the probe itself).
  void send_with_news_of(const Address& to, wire::Body body, std::uint32_t slot);
  /// Gossip datagrams to `fanout` random active members, now (a leave does not wait for the
  /// next tick).
  void gossip_now();
  /// A reliable message of any size to a member's address.
  void send_stream(const Address& to, const wire::Packet& packet);
  /// An answer the way the question came: on its connection if it came over the stream path;
  /// to its sender as a datagram if it fits the budget, else over the stream path.
  void reply(const Origin& origin, const wire::Packet& packet);
  /// An answer over the stream path whatever its size: on the question's connection, or to a
  /// datagram's sender. For answers in several messages that must arrive in order.
  void reply_by_stream(const Origin& origin, const wire::Packet& packet);

 private:
  void send_datagram(const Address& to, wire::Body body, std::uint32_t first_slot);
  /// Nothing queued anywhere: a gossip datagram would carry no news.
  [[nodiscard]] bool idle() const;

  Context& ctx_;
  const Membership& membership_;
  PiggybackSource* extra_ = nullptr;
  ProbeRider* rider_ = nullptr;
  BroadcastQueue news_;
  std::vector<wire::StoreDelta> oversized_;  // scratch for send_datagram
  TimePoint next_gossip_{};
};

}  // namespace convoy::core
