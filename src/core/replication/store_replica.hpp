// StoreReplica: one owner's key/value store as one node holds it — the owner's own copy (which
// also takes the compare-and-set writes) or any other member's replica.
//
// Versions: the owner's writes take consecutive versions 1, 2, 3... within a store *epoch*
// (the owner's incarnation when its counter started; a higher epoch replaces the replica
// wholesale). Each key keeps the item of its highest version.
//
// The watermark: `version()` is the highest v such that every write ≤ v is reflected here. Rumour
// deltas arrive out of order and may be superseded before they arrive (key a at v3, then a at v7:
// nobody ever needs v3 again), so a gap can be closed only by a *range transfer*: "every item
// whose version is in (since, version], as held by a replica at watermark `version`". That is
// what anti-entropy ships, so `version()` is exact: a replica at watermark w needs precisely the
// items above w. Versions seen above the watermark are remembered until the gap closes.
//
// Tombstones: a delete leaves a tombstone, collected after a grace period. `gc_version()` is the
// highest version of a collected tombstone. A range transfer from a replica that collected
// tombstones above `since` would silently miss deletions, so it becomes a *complete* snapshot
// instead (the receiver drops whatever it holds at or below the snapshot's version that is not
// listed). A delta for an absent key at or below gc_version() is ignored: a tombstone that would
// have beaten it may have been collected, and applying it would resurrect a deleted key.
#pragma once

#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/item.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::core {

/// Which keys a write may touch: keys starting with "convoy." belong to the system (Convoy's own
/// facts about a member); programs write only in the user space.
enum class KeySpace : std::uint8_t { user, system };

/// Sizes a store accepts.
struct StoreLimits {
  std::size_t max_key = 256;          ///< bytes of UTF-8
  std::size_t max_value = 64 * 1024;  ///< bytes
};

/// A replicated item as the public API shows it.
[[nodiscard]] inline Item to_item(const wire::StoreItem& s, std::uint64_t epoch) {
  return Item{s.value, s.version, s.deleted, epoch};
}

class StoreReplica {
 public:
  /// What applying something changed, for subscriptions and re-gossip.
  struct Change {
    std::string key;
    wire::StoreItem item;  ///< the new state of the key (deleted: a tombstone)
  };
  using ChangeSink = std::function<void(const Change&)>;

  StoreReplica() = default;
  explicit StoreReplica(std::uint64_t epoch) : epoch_(epoch) {}

  [[nodiscard]] std::uint64_t epoch() const { return epoch_; }
  /// Watermark: every write ≤ version() is reflected.
  [[nodiscard]] std::uint64_t version() const { return version_; }
  /// Highest version of any item held or seen (≥ version()).
  [[nodiscard]] std::uint64_t max_seen() const;
  [[nodiscard]] std::uint64_t gc_version() const { return gc_version_; }

  /// The item for `key`, tombstones included; nullptr if none is held.
  [[nodiscard]] const wire::StoreItem* find(std::string_view key) const;
  /// Live items in key order.
  void for_each(const std::function<void(const wire::StoreItem&)>& visit) const;
  /// Every item held, tombstones included, in key order.
  void for_each_held(const std::function<void(const wire::StoreItem&)>& visit) const;
  [[nodiscard]] std::size_t live_count() const;
  [[nodiscard]] bool empty() const { return items_.empty(); }

  // --- Owner side ---------------------------------------------------------------------------

  /// Compare-and-set write by the owner: `expected.version` must equal the key's current version
  /// (0 for a key never written or deleted and collected; a tombstone's version for a deleted
  /// key), and `expected.epoch`, unless 0, must be of this store's life (store_epoch.hpp: a
  /// raised epoch of the same life keeps its versions; another life's never match).
  /// Done: the item takes version version() + 1. Keys starting with "convoy." are refused in
  /// the user key space. Validation failures and conflicts change nothing.
  WriteResult put(std::string_view key, std::string_view value, Expectation expected, TimePoint now,
                  const StoreLimits& limits, KeySpace space = KeySpace::user);
  /// Erasing a key that holds nothing (expected 0), or one already deleted (expected = its
  /// tombstone's version), is `done` with no new version: nothing to replicate.
  WriteResult erase(std::string_view key, Expectation expected, TimePoint now,
                    const StoreLimits& limits, KeySpace space = KeySpace::user);

  /// Moves the owner's own store to epoch `epoch` (higher than its current one), keeping every
  /// item and version: replicas holding any older epoch will be replaced by this one.
  void rebase(std::uint64_t epoch);

  /// Why `key` (and `value`) cannot be written, or nullopt if they can.
  [[nodiscard]] static std::optional<std::string> invalid(std::string_view key,
                                                          std::string_view value,
                                                          const StoreLimits& limits,
                                                          KeySpace space);

  // --- Replication ----------------------------------------------------------------------------

  /// Applies one rumour delta of epoch `epoch`. Returns true if the replica's items changed
  /// (then `sink` saw the change). Idempotent and order-insensitive.
  bool apply(std::uint64_t epoch, const wire::StoreItem& item, TimePoint now,
             const ChangeSink& sink = {});

  /// Applies a range transfer or complete snapshot from another replica. Returns true if the
  /// items changed. The watermark rises to snapshot.version when the transfer covers the gap
  /// (since ≤ version(), or complete).
  bool apply(const wire::StoreSnapshot& snapshot, TimePoint now, const ChangeSink& sink = {});

  /// What a replica at watermark `since` (same epoch) lacks: a range transfer (since, version()],
  /// or a complete snapshot if tombstones above `since` were collected or `epoch` differs.
  [[nodiscard]] wire::StoreSnapshot snapshot_since(const MemberId& owner, std::uint64_t epoch,
                                                   std::uint64_t since) const;

  /// Collects tombstones applied at or before `cutoff` (local time) and at or below the
  /// watermark — collecting one above it would make gc_version() reject older deltas this
  /// replica still lacks. Returns the keys collected.
  std::vector<std::string> collect(TimePoint cutoff);

  /// The owner's own store as it was persisted: items (tombstones counted from `now`, so they
  /// get a full grace period again), watermark and collection mark.
  void restore(std::uint64_t version, std::uint64_t gc_version,
               const std::vector<wire::StoreItem>& items, TimePoint now);

  /// Order-independent hash of the live items (key, value, version): equal stores, equal hashes.
  [[nodiscard]] std::uint64_t content_hash() const;

 private:
  struct Held {
    wire::StoreItem item;
    TimePoint deleted_at{};  ///< when the tombstone was applied here
  };

  enum class Op : std::uint8_t { put, erase };
  WriteResult write(Op op, std::string_view key, std::string_view value, Expectation expected,
                    TimePoint now, const StoreLimits& limits, KeySpace space);
  void reset(std::uint64_t epoch);
  void mark_seen(std::uint64_t version);
  bool store(const wire::StoreItem& item, TimePoint now, const ChangeSink& sink);

  std::uint64_t epoch_ = 0;
  std::uint64_t version_ = 0;
  std::uint64_t gc_version_ = 0;
  std::set<std::uint64_t> seen_above_;  ///< versions seen above the watermark
  std::map<std::string, Held, std::less<>> items_;
};

}  // namespace convoy::core
