// Replication: this member's own store and its replica of every other member's store. Every
// change is queued as a rumour (a delta piggybacked on datagrams) and kept in the digest tree
// that anti-entropy (anti_entropy.hpp) compares; tombstones are collected here.
//
// Replicas of members that are not active (dead, left, evicted) are kept until the member is
// reaped, in case it comes back, but they are left out of the digest and of the directory.
//
// The own store's epoch (store_epoch.hpp) starts from the member's incarnation and the engine's
// seed, and climbs above any epoch of this member's id seen in the cluster that is not its own:
// that is a replica of a previous life (a restart without memory), and its data must go.
#pragma once

#include "core/context.hpp"
#include "core/directory/subscribers.hpp"
#include "core/dissemination/piggyback_source.hpp"
#include "core/dissemination/store_news.hpp"
#include "core/durable_state.hpp"
#include "core/membership/member_key.hpp"
#include "core/membership/membership.hpp"
#include "core/replication/store_digest.hpp"
#include "core/replication/store_replica.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/item.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace convoy::core {

class Replication final : public PiggybackSource {
 public:
  Replication(Context& context, const Membership& membership, Subscribers& subscribers,
              std::uint64_t epoch);

  /// Takes back the own store as it was persisted (before start).
  void restore(const RestoredState& restored, TimePoint now);
  /// The own store's durable facts as they stand (committed once at start).
  [[nodiscard]] DurableChange durable_now() const;

  /// Arms tombstone collection.
  void start(TimePoint now);
  /// Tombstone collection, when due.
  void tick(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const { return next_gc_; }

  // --- Reading ----------------------------------------------------------------------------------

  [[nodiscard]] const StoreReplica& own_store() const { return own_; }
  /// Our replica of `owner`'s store (our own included); nullptr if we hold none.
  [[nodiscard]] const StoreReplica* replica(const MemberId& owner) const;
  /// Our replica of the member in `slot`; nullptr if we hold none.
  [[nodiscard]] const StoreReplica* replica_of_slot(std::uint32_t slot) const;
  /// Every store worth passing on, ours first (the store part of a join response).
  [[nodiscard]] std::vector<wire::StoreSnapshot> all_snapshots() const;
  /// The delta to send for `key` of `owner`'s store now; nullopt if it is gone.
  [[nodiscard]] std::optional<wire::StoreDelta> delta_of(MemberKey owner,
                                                         const std::string& key) const;
  /// Counts `n` sends of that delta made by an eager push.
  void add_sends(MemberKey owner, const std::string& key, std::uint32_t n, std::uint32_t limit) {
    news_.add_sends(owner, key, n, limit);
  }
  /// Where new store news is reported for eager push (null: none).
  void attach(class EagerPush* eager) { eager_ = eager; }

  /// Store deltas still queued for piggybacking.
  [[nodiscard]] std::size_t pending() const { return news_.size(); }
  [[nodiscard]] const StoreDigestState& digest() const { return digest_; }
  /// Calls visit(owner, replica) for every store in the digest: ours, then every active
  /// member's replica, in slot order.
  template <class Visit>
  void for_each_counted(Visit&& visit) const {
    visit(membership_.self().id, own_);
    for (std::uint32_t slot = 0; slot < replicas_.size(); ++slot)
      if (replicas_[slot] && membership_.active(slot))
        visit(membership_.at(slot).id, *replicas_[slot]);
  }

  // --- Writing our own store --------------------------------------------------------------------

  /// Compare-and-set put into our own store (no expectation: whatever the key holds); the
  /// change is queued as a rumour.
  WriteResult put(std::string_view key, std::string_view value, std::optional<Expectation> expected,
                  TimePoint now);
  /// Compare-and-set delete in our own store.
  WriteResult erase(std::string_view key, std::optional<Expectation> expected, TimePoint now);
  /// The limits writes are checked against.
  [[nodiscard]] StoreLimits limits() const;
  /// An epoch of our own store seen in the cluster (a replica's, a rumour's). One above ours
  /// belongs to a previous life of this member: our store moves above it, and its rumours start
  /// over, so that every replica of that life is replaced.
  void observe_own_epoch(std::uint64_t epoch);

  // --- What arrives -----------------------------------------------------------------------------

  /// A rumour: one item of another member's store. Changes are passed on. True if it changed
  /// our replica (news to us).
  bool apply_delta(const wire::StoreDelta& delta, TimePoint now);
  /// A range transfer or complete snapshot. Repairs are not passed on: the sender's side has
  /// the state already, and every other replica repairs itself through its own exchanges.
  void apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now);

  // --- Membership changes -----------------------------------------------------------------------

  /// The member in `slot` became active again: its replica counts in the digest.
  void member_activated(std::uint32_t slot);
  /// Tells subscribers what changed in the replica of the member in `slot` while it was not
  /// active (its key events were held back then): the current state of each key that changed.
  /// Called once the member is active again, after its membership event.
  void announce_held_back(std::uint32_t slot);
  /// The member in `slot` is no longer active: its replica leaves the digest.
  void member_deactivated(std::uint32_t slot);
  /// The member in `slot` is forgotten: so are its replica and its queued deltas.
  void member_reaped(std::uint32_t slot);

  // --- PiggybackSource --------------------------------------------------------------------------

  [[nodiscard]] bool has_news() const override { return !news_.empty(); }
  void fill(wire::Packer& packer, std::uint32_t limit,
            std::vector<wire::StoreDelta>& oversized) override;

 private:
  /// Whether a change is passed on as a rumour.
  enum class Spread : std::uint8_t { rumour, quiet };

  [[nodiscard]] StoreReplica* replica_of_key(MemberKey owner);
  [[nodiscard]] const StoreReplica* replica_of_key(MemberKey owner) const;
  [[nodiscard]] MemberId owner_id(MemberKey owner) const;
  /// Whether `owner`'s replica is part of the digest and the directory (it is active).
  [[nodiscard]] bool counted(MemberKey owner) const;
  /// Runs `change(replica, sink)` on `owner`'s replica (creating it), then updates the digest
  /// and publishes what changed: queued as rumours if `spread` says so, key events for
  /// subscribers.
  template <class Change>
  bool change_replica(MemberKey owner, Spread spread, Change&& change);
  /// Runs `write(own store) -> WriteResult` and publishes the change it made, if any.
  template <class Write>
  WriteResult write_own(std::string_view key, Write&& write);
  /// `expected`, or, without one, exactly what `key` holds now.
  [[nodiscard]] Expectation expectation(std::string_view key,
                                        const std::optional<Expectation>& expected) const;
  void collect_tombstones(TimePoint now);

  Context& ctx_;
  const Membership& membership_;
  Subscribers& subscribers_;

  StoreReplica own_;
  std::vector<std::unique_ptr<StoreReplica>> replicas_;  ///< by member slot
  /// Keys that changed in an inactive member's replica, by slot: out of the directory then, so
  /// not told; told when the member is back (a subscriber mirroring the directory from events,
  /// the runtime's read model among them, would otherwise miss them for good).
  std::unordered_map<std::uint32_t, std::set<std::string>> held_back_;
  StoreDigestState digest_;
  StoreNews news_;
  class EagerPush* eager_ = nullptr;
  TimePoint next_gc_{};
};

}  // namespace convoy::core
