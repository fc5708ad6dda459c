// DirectorySnapshot: an immutable copy of the directory (members, and the live items of every
// active member's store) that the protocol thread publishes and any thread reads. Readers never
// wait for the network and never hold the protocol back: they take a shared pointer to the
// latest snapshot, under a lock held only for that pointer copy.
//
// A snapshot is built from shared, immutable parts so that what did not change is not copied:
// the member list; its index (shared while the same ids sit at the same places); and the stores,
// spread over kStoreShards shards by member id. A key change copies one shard (about members / 64
// pointers) and rebuilds one store view; a member-list change copies the list (plain values, no
// allocation per member) and touches no store. A host receiving hundreds of datagrams a second
// from a large cluster so does O(members / 64) work per store delta and O(members) only per
// member-list rebuild, without allocating per member (docs/runtime.md).
//
// The stores hold every listed member's view, active or not: readers filter by the member's
// status in the list, so a member going down and up costs no store work (a member coming back
// to active, or newly listed, gets its view rebuilt, whatever events said meanwhile).
#pragma once

#include "core/engine.hpp"

#include <convoy/directory_entry.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace convoy::runtime {

/// The live items of one member's store, by key.
using StoreView = std::map<std::string, Item, std::less<>>;

using MemberIndex = std::unordered_map<MemberId, std::size_t>;

/// Every member known, and an index into it.
struct MemberList {
  /// Self first, whatever the status.
  std::vector<Member> known;
  std::shared_ptr<const MemberIndex> index;
};

/// Stores of some members (those whose id hashes to the shard).
using StoreShard = std::unordered_map<MemberId, std::shared_ptr<const StoreView>>;
inline constexpr std::size_t kStoreShards = 64;

[[nodiscard]] inline std::size_t shard_of(const MemberId& id) {
  return std::hash<MemberId>{}(id) % kStoreShards;
}

struct DirectorySnapshot {
  std::shared_ptr<const MemberList> members;
  /// Stores of listed members (any status: readers check it), by shard of their id.
  std::array<std::shared_ptr<const StoreShard>, kStoreShards> stores;

  [[nodiscard]] const Member& self() const { return members->known.front(); }
  [[nodiscard]] const std::vector<Member>& known() const { return members->known; }
  [[nodiscard]] const Member* find(const MemberId& id) const {
    auto it = members->index->find(id);
    return it == members->index->end() ? nullptr : &members->known[it->second];
  }
  [[nodiscard]] const StoreView* store_of(const MemberId& id) const {
    const StoreShard& shard = *stores[shard_of(id)];
    auto it = shard.find(id);
    return it == shard.end() ? nullptr : it->second.get();
  }
  /// Calls visit(member, store) for every active member holding a store, self first.
  template <class Visit>
  void for_each_store(Visit&& visit) const {
    for (const Member& m : members->known) {
      if (!is_active(m.status)) continue;
      if (const StoreView* s = store_of(m.id)) visit(m, *s);
    }
  }
};

/// Builds snapshots from the engine (protocol thread) and hands them out (any thread).
class SnapshotPublisher {
 public:
  /// Marks `member`'s store as changed since the last build.
  void store_changed(const MemberId& member) { dirty_stores_.insert(member); }
  /// Marks everything as changed (events were lost: every store view is rebuilt).
  void everything_changed() { rebuild_all_ = true; }

  /// True if the engine's member list differs from the published one (O(1)).
  [[nodiscard]] bool members_stale(const core::Engine& engine) const;
  /// When the last member-list rebuild started and how long it took (the caller paces
  /// rebuilds by them).
  [[nodiscard]] std::chrono::steady_clock::time_point member_list_built_at() const {
    return member_list_built_at_;
  }
  [[nodiscard]] std::chrono::steady_clock::duration member_list_cost() const {
    return member_list_cost_;
  }

  /// Protocol thread: publishes a new snapshot if anything changed. The member list is rebuilt
  /// only if `with_members` and it is stale (or on the first build, or after
  /// everything_changed()); store changes are always taken in. True if the published member
  /// list is now current.
  bool publish(const core::Engine& engine, bool with_members);
  /// Any thread: the latest snapshot (never null once publish() ran once).
  [[nodiscard]] std::shared_ptr<const DirectorySnapshot> latest() const;

 private:
  [[nodiscard]] static std::shared_ptr<const StoreView> view_of(const core::Engine& engine,
                                                                const MemberId& id);
  void rebuild(const core::Engine& engine, DirectorySnapshot& next);
  /// Rebuilds the views of dirty_stores_ (listed members only) into `next`, copying the shards
  /// they fall in; erases the views of `gone`.
  void update_stores(const core::Engine& engine, DirectorySnapshot& next,
                     const std::vector<MemberId>& gone = {});

  std::set<MemberId> dirty_stores_;
  bool rebuild_all_ = true;
  std::uint64_t built_changes_ = 0;  ///< engine.member_changes() at the last member-list build
  std::optional<Member> built_self_;
  std::chrono::steady_clock::time_point member_list_built_at_{};
  std::chrono::steady_clock::duration member_list_cost_{};
  std::shared_ptr<const DirectorySnapshot> building_;  ///< protocol thread's last build
  mutable std::mutex mutex_;                           ///< guards published_ only
  std::shared_ptr<const DirectorySnapshot> published_;
};

}  // namespace convoy::runtime
