// Replication: this member's own store, its replica of every other member's store, and the two
// ways they converge: rumours (every change is queued as a delta and piggybacked) and
// anti-entropy (a fixed-size digest, expanded only where it differs, answered with exactly the
// missing items).
//
// Anti-entropy, one round (A initiates with a random member B):
//   A → B  StoreDigest{64 bucket hashes}               datagram, ~530 bytes whatever N
//   B → A  StoreDigestDetail{B's (owner, epoch, watermark) for the buckets that differ}
//   A → B  StoreSync{what B lacks, and `wants`: what A lacks}
//   B → A  StoreSync{what A wanted}
// Each snapshot shipped is exactly the items above the receiver's watermark (or a complete
// snapshot when tombstones the receiver may need were already collected).
//
// Replicas of members that are not active (dead, left, evicted) are kept until the member is
// reaped, in case it comes back, but they are left out of the digest and of the directory.
#pragma once

#include "core/context.hpp"
#include "core/directory/subscribers.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/dissemination/piggyback_source.hpp"
#include "core/dissemination/store_news.hpp"
#include "core/membership/member_key.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/replication/store_digest.hpp"
#include "core/replication/store_replica.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/item.hpp>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace convoy::core {

class Replication final : public PiggybackSource {
 public:
  Replication(Context& context, const Membership& membership, Outbox& outbox,
              Subscribers& subscribers, std::uint64_t epoch);

  /// Arms the anti-entropy timer at a random point of the first interval, and tombstone
  /// collection.
  void start(TimePoint now);
  /// Anti-entropy and tombstone collection, when due.
  void tick(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;

  // --- Reading ----------------------------------------------------------------------------------

  [[nodiscard]] const StoreReplica& own_store() const { return own_; }
  /// Our replica of `owner`'s store (our own included); nullptr if we hold none.
  [[nodiscard]] const StoreReplica* replica(const MemberId& owner) const;
  /// Our replica of the member in `slot`; nullptr if we hold none.
  [[nodiscard]] const StoreReplica* replica_of_slot(std::uint32_t slot) const;
  /// Every store worth passing on, ours first (the store part of a join response).
  [[nodiscard]] std::vector<wire::StoreSnapshot> all_snapshots() const;
  /// Store deltas still queued for piggybacking.
  [[nodiscard]] std::size_t pending() const { return news_.size(); }

  // --- Writing our own store --------------------------------------------------------------------

  /// Compare-and-set put into our own store; the change is queued as a rumour.
  WriteResult put(std::string_view key, std::string_view value, std::uint64_t expected,
                  TimePoint now);
  /// Compare-and-set delete in our own store.
  WriteResult erase(std::string_view key, std::uint64_t expected, TimePoint now);
  /// The limits writes are checked against.
  [[nodiscard]] StoreLimits limits() const;

  // --- What arrives -----------------------------------------------------------------------------

  /// A rumour: one item of another member's store. Changes are passed on.
  void apply_delta(const wire::StoreDelta& delta, TimePoint now);
  /// A range transfer or complete snapshot. Repairs are not passed on: the sender's side has
  /// the state already, and every other replica repairs itself through its own exchanges.
  void apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now);
  void on_store_digest(const Origin& origin, const wire::StoreDigest& digest);
  void on_store_digest_detail(const Origin& origin, const wire::StoreDigestDetail& detail);
  void on_store_sync(const Origin& origin, const wire::StoreSync& sync, TimePoint now);

  // --- Membership changes -----------------------------------------------------------------------

  /// The member in `slot` became active again: its replica counts in the digest.
  void member_activated(std::uint32_t slot);
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
  void sync_tick(TimePoint now);
  void collect_tombstones(TimePoint now);

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  Subscribers& subscribers_;

  StoreReplica own_;
  std::vector<std::unique_ptr<StoreReplica>> replicas_;  ///< by member slot
  StoreDigestState digest_;
  StoreNews news_;
  TimePoint next_sync_{};
  TimePoint next_gc_{};
};

}  // namespace convoy::core
