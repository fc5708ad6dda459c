// Engine: one member's protocol engine, SWIM with member stores. Pure and single-threaded: it
// owns no socket, clock, thread or hidden randomness. Its driver feeds it packets and timer
// ticks with the current time, and it acts only through the Environment. Same inputs, same
// outputs, byte for byte.
//
// The engine itself is thin: it decodes input and routes it to the component that handles it,
// merges membership news and fans the change out to every component that cares, runs the
// components' timers in a fixed order, and asks its driver for one wake-up at the earliest of
// their deadlines. The protocol lives in the components:
//
//   membership/     Membership (member table, SWIM merge rules), ClusterSync (join, push-pull,
//                   partition healing)
//   detection/      FailureDetector (probe rounds, indirect probes, suspicion, local health)
//   dissemination/  Outbox (packing, sending, rumour queue, gossip), StoreNews (delta queue)
//   replication/    Replication (own store, replicas, digest), AntiEntropy, RemoteWrites
//   directory/      Directory (queries), Subscribers (change fan-out)
#pragma once

#include "core/context.hpp"
#include "core/detection/failure_detector.hpp"
#include "core/directory/directory.hpp"
#include "core/directory/subscribers.hpp"
#include "core/dissemination/eager_push.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/durable_state.hpp"
#include "core/engine_sink.hpp"
#include "core/engine_stats.hpp"
#include "core/environment.hpp"
#include "core/membership/cluster_sync.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/random.hpp"
#include "core/replication/anti_entropy.hpp"
#include "core/replication/remote_writes.hpp"
#include "core/replication/replication.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/config.hpp>
#include <convoy/event.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace convoy::core {

class Engine final : private EngineSink {
 public:
  /// `incarnation` is the one to start with (a restarted member passes its persisted value + 1);
  /// `seed` feeds the engine's only source of randomness. `config` must be valid.
  Engine(const Config& config, MemberId self, Address advertise, std::uint64_t incarnation,
         std::uint64_t seed, Environment& env);
  /// A member that kept its durable state: it starts at restored.incarnation, with its own store
  /// (epoch, watermark, items) as persisted. `now` stamps restored tombstones.
  Engine(const Config& config, MemberId self, Address advertise, const RestoredState& restored,
         std::uint64_t seed, Environment& env, TimePoint now);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- Lifecycle --------------------------------------------------------------------------------

  /// Starts alone, as the first member of a cluster. The member's durable facts (incarnation,
  /// store epoch) are handed to make_durable() first.
  void start(TimePoint now);
  /// Starts and joins through `seeds`, tried in order; a seed that does not answer within
  /// join_timeout is skipped. If none answers for join_rounds rounds: Event::join_failed.
  void join(std::span<const Address> seeds, TimePoint now);
  /// Graceful leave: the cluster is told this member left (not failed). The engine then only
  /// answers probes until its driver drops it.
  void leave(TimePoint now);

  // --- Input ------------------------------------------------------------------------------------

  void handle_datagram(const Address& from, std::span<const std::uint8_t> bytes, TimePoint now);
  /// A stream message that arrived on connection `stream`; `peer` is the connection's remote
  /// end (an ephemeral port for an incoming connection: used for nothing but logs).
  void handle_stream(StreamId stream, const Address& peer, std::span<const std::uint8_t> bytes,
                     TimePoint now);
  void handle_timer(TimePoint now);
  /// A stream sent to `to` could not be delivered: nothing listens there (a refused or timed
  /// out connection). A join request to a seed that refuses moves on to the next seed at once
  /// instead of waiting out join_timeout. Anything else waits for its answer's absence.
  void stream_failed(const Address& to, TimePoint now);

  // --- This member ------------------------------------------------------------------------------

  [[nodiscard]] const MemberId& id() const { return membership_.self().id; }
  [[nodiscard]] std::uint64_t incarnation() const { return membership_.self().incarnation; }
  [[nodiscard]] const Address& address() const { return membership_.self().address; }
  [[nodiscard]] bool joined() const { return membership_.joined(); }
  [[nodiscard]] bool left() const { return membership_.left(); }
  /// True once the cluster evicted this member: it stops taking part and never comes back.
  [[nodiscard]] bool evicted() const { return membership_.evicted(); }
  [[nodiscard]] const EngineStats& stats() const { return stats_; }
  /// Lifeguard's local health score: 0 is healthy.
  [[nodiscard]] std::uint32_t health_score() const { return detector_.health_score(); }
  /// Rumours still queued for piggybacking (0: nothing left to spread).
  [[nodiscard]] std::size_t pending_broadcasts() const;
  /// Our own latest state (after leave(): that we left) is still being spread.
  [[nodiscard]] bool announcing_self() const { return outbox_.announcing_self(); }
  /// Eager push peers (0 in pure piggyback mode).
  [[nodiscard]] std::size_t eager_peers() const { return eager_.peers(); }

  // --- Reading ----------------------------------------------------------------------------------

  [[nodiscard]] const Directory& directory() const { return directory_; }
  /// Members in `status`, this member included (it counts itself under its own status).
  [[nodiscard]] std::size_t count(MemberStatus status) const { return membership_.count(status); }
  /// Our view of `id` (ourselves included); nullopt if unknown or reaped.
  [[nodiscard]] std::optional<Member> member(const MemberId& id) const {
    return membership_.member(id);
  }
  /// Every member we know, ourselves first, whatever their status.
  [[nodiscard]] std::vector<Member> known() const { return membership_.known(); }
  /// Changes to the other members' records so far, silent ones included (a member seen at a
  /// higher incarnation tells no subscriber): equal counts and an equal member(id()) mean
  /// known() is unchanged. Lets a reader skip an O(members) copy.
  [[nodiscard]] std::uint64_t member_changes() const { return membership_.changes(); }
  [[nodiscard]] const StoreReplica& own_store() const { return replication_.own_store(); }
  /// Our replica of `owner`'s store (our own included); nullptr if we hold none.
  [[nodiscard]] const StoreReplica* replica(const MemberId& owner) const {
    return replication_.replica(owner);
  }
  /// A new subscription to changes; it lives as long as the caller holds it.
  [[nodiscard]] std::shared_ptr<Subscription> subscribe(EventFilter filter,
                                                        std::size_t capacity = 1024) {
    return subscribers_.subscribe(std::move(filter), capacity);
  }

  // --- Writing ----------------------------------------------------------------------------------

  /// Compare-and-set put of `key` in `owner`'s store. Our own store is written at once; another
  /// member's write goes to that member, which applies it and spreads the result, and `done`
  /// runs when the answer arrives: `failed` at once if the owner is unknown or not alive,
  /// `unknown` if it stays silent for write_timeout. `done` must not call back into the
  /// engine.
  /// Without an expectation the write takes whatever the key holds (the owner decides, so it
  /// is still one atomic step).
  void put(const MemberId& owner, std::string_view key, std::string_view value,
           std::optional<Expectation> expected, TimePoint now, WriteCallback done);
  /// Compare-and-set delete, with the same rules.
  void erase(const MemberId& owner, std::string_view key, std::optional<Expectation> expected,
             TimePoint now, WriteCallback done);

  // --- Administration ---------------------------------------------------------------------------

  /// Removes `id` from the cluster for good: every member marks it evicted (no incarnation
  /// overrides that) and the member itself stops. Returns false if `id` is unknown.
  bool evict(const MemberId& id, TimePoint now);
  /// Declares `id` failed (dead at its current incarnation). A live member hears of it and
  /// comes back with a higher incarnation. Returns false if `id` is unknown.
  bool fail(const MemberId& id, TimePoint now);

 private:
  // EngineSink
  bool apply(const wire::MemberUpdate& news, TimePoint now, Provenance provenance) override;
  void emit(const Event& event) override;
  void announce(MemberKey key) override;

  void apply_about_self(const wire::MemberUpdate& news);
  void react(const MemberChange& change, TimePoint now);
  void refute(std::uint64_t seen_incarnation);
  void emit_member(Event::Kind kind, std::uint32_t slot);
  void emit_self(Event::Kind kind);
  void dispatch(const Origin& origin, wire::Packet&& packet, TimePoint now);
  void reap(TimePoint now);
  void reschedule(TimePoint now);
  /// The end of every call into the engine: push what it learned, then ask for the next wake-up.
  void settle(TimePoint now);
  void spread_member(std::uint32_t slot);
  void spread_self();
  [[nodiscard]] bool running() const { return started_ && !membership_.evicted(); }

  Config config_;
  Environment& env_;
  Random rng_;
  EngineStats stats_;
  Context ctx_;

  Membership membership_;
  Outbox outbox_;
  Subscribers subscribers_;
  Replication replication_;
  EagerPush eager_;
  AntiEntropy anti_entropy_;
  FailureDetector detector_;
  ClusterSync sync_;
  RemoteWrites writes_;
  Directory directory_;

  bool started_ = false;
  std::optional<TimePoint> scheduled_;
  /// The last claim on our id reported as a conflict (address, incarnation).
  std::optional<std::pair<Address, std::uint64_t>> reported_conflict_;
};

}  // namespace convoy::core
