// ClusterSync: how a member gets and keeps the whole membership, beyond rumours. It joins
// through seeds (a JoinRequest over the stream path, answered with the seed's full state and
// every store), runs the periodic full-state push-pull with one random member (anti-entropy:
// rumours can die before reaching everyone), and heals partitions by exchanging state with a
// member believed dead, one lost long ago (up to kLostAddresses of them, for up to a day), or a
// seed that is not a live member. Such a healing exchange spreads everything it teaches.
#pragma once

#include "core/context.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/engine_sink.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/replication/anti_entropy.hpp"
#include "core/replication/replication.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace convoy::core {

class ClusterSync {
 public:
  /// Addresses of reaped dead members kept for reconnection, at most, and for how long.
  static constexpr std::size_t kLostAddresses = 1024;
  static constexpr Duration kLostFor = std::chrono::hours(24);

  ClusterSync(Context& context, Membership& membership, Outbox& outbox, Replication& replication,
              AntiEntropy& anti_entropy, EngineSink& sink);

  /// Arms the push-pull and reconnect timers, each a random point into its second interval.
  void start(TimePoint now);
  /// Remembers the seeds to join through (and to reconnect to later), ourselves left out.
  void set_seeds(std::span<const Address> seeds);
  [[nodiscard]] bool has_seeds() const { return !seeds_.empty(); }
  /// Asks the first seed; a seed that does not answer within join_timeout is skipped, and after
  /// join_rounds rounds over every seed the join fails (Event::join_failed, once). The engine
  /// keeps asking, once a reconnect interval, until a seed answers or its driver stops it.
  void begin_join(TimePoint now);

  /// Join retries, when due. Runs first in every timer call.
  void join_progress(TimePoint now);
  /// A stream to `to` could not be delivered. If it carried our outstanding join request, the
  /// next seed of the round is asked at once; a round of refusals still waits out join_timeout
  /// before the next round, so that members started together do not spend every round in
  /// the milliseconds before their seeds listen.
  void stream_failed(const Address& to, TimePoint now);
  /// Our view changed (a member joined, changed state or went). After a join, the first
  /// anti-entropy exchange waits until the view has been still for settle_delay(), and at most
  /// post_join_sync: it then repairs what the rumours of a mass join missed as soon as they
  /// have died down, instead of at a fixed delay.
  void view_changed(TimePoint now);
  /// Push-pull and reconnect exchanges, when due.
  void tick(TimePoint now);
  /// A member that died is being forgotten (reaped): its address stays a reconnection target,
  /// because a partition may outlast reap_after, and after it only such an exchange rejoins
  /// the two sides.
  void member_lost(const Address& address, TimePoint now);
  /// A member at `address` is alive again in our view. If we had lost it, the partition between
  /// us has healed: exchange state with it at once (at most once a second), so that each member
  /// learns the other side's whole state within a gossip hop of hearing of the heal, instead of
  /// waiting up to a reconnect interval.
  void member_found(const Address& address, TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;

  /// Answers with our members, and every store within the stream size limit: what does not fit
  /// the response follows it as StoreSync messages on the same connection.
  void on_join_request(const Origin& origin, const wire::JoinRequest& request, TimePoint now);
  /// Accepted only as the answer to our outstanding join request; anything else (late,
  /// duplicate, unsolicited) is counted and dropped.
  void on_join_response(const Origin& origin, const wire::JoinResponse& response, TimePoint now);
  void on_push_pull(const Origin& origin, const wire::PushPull& push_pull, TimePoint now);

 private:
  void push_pull_tick(TimePoint now);
  /// Our summary was answered (same view, or the peer's state): the post-join repeats go on.
  void exchange_answered(TimePoint now);
  void send_heal(const Address& to);
  void reconnect_tick(TimePoint now);
  void send_join_request(const Address& seed);
  /// We are part of a cluster now: tell everyone who listens.
  void joined();
  /// The push-pull interval, stretched with log2 N above 32 members (memberlist's scaling: the
  /// cluster-wide full-state traffic then grows like N log N rather than N²).
  [[nodiscard]] Duration push_pull_period() const;
  /// How long a view must be still before the first post-join exchange: two gossip rounds.
  [[nodiscard]] Duration settle_delay() const;

  Context& ctx_;
  Membership& membership_;
  Outbox& outbox_;
  Replication& replication_;
  AntiEntropy& anti_entropy_;
  EngineSink& sink_;

  std::vector<Address> seeds_;
  std::size_t join_attempt_ = 0;
  std::optional<TimePoint> join_deadline_;
  /// The request a join response must answer; 0: none outstanding.
  std::uint64_t join_request_ = 0;
  Address join_seed_;  ///< where join_request_ went
  /// While the first post-join exchange is pending: the latest time it may run.
  std::optional<TimePoint> settle_deadline_;
  bool join_failure_reported_ = false;
  struct Lost {
    Address address;
    TimePoint at;
  };
  std::deque<Lost> lost_;  ///< oldest first
  TimePoint next_eager_heal_{};
  /// Gap before the next post-join push-pull; zero once the member has settled.
  Duration sync_backoff_{};
  /// A periodic exchange was opened and not answered yet: only its first answer advances the
  /// post-join gaps (a duplicated or late datagram must not skip an exchange).
  bool exchange_pending_ = false;
  /// The view hash the pending exchange's summary carried. An equal-view answer echoes it: a
  /// datagram's source is easily forged, a 64-bit hash the forger never saw is not (the source
  /// address is no proof anyway: a member bound to a wildcard may answer from an address other
  /// than the one it advertises).
  std::uint64_t exchange_hash_ = 0;
  TimePoint next_push_pull_{};
  TimePoint next_reconnect_{};
};

}  // namespace convoy::core
