// DirectorySnapshot: an immutable copy of the directory (members, and the live items of every
// active member's store) that the protocol thread publishes and any thread reads. Readers never
// wait for the network and never hold the protocol back: they take a shared pointer to the
// latest snapshot, under a lock held only for that pointer copy.
//
// Building a snapshot costs O(members) plus the stores that changed: each member's store view is
// itself immutable and shared between consecutive snapshots until a key event for that member
// says it changed.
#pragma once

#include "core/engine.hpp"

#include <convoy/directory_entry.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>

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

struct DirectorySnapshot {
  Member self;
  /// Every member known, self first, whatever the status.
  std::vector<Member> known;
  /// Index into `known` by id.
  std::unordered_map<MemberId, std::size_t> index;
  /// Stores of active members (and self), by member.
  std::unordered_map<MemberId, std::shared_ptr<const StoreView>> stores;

  [[nodiscard]] const Member* find(const MemberId& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &known[it->second];
  }
  [[nodiscard]] const StoreView* store_of(const MemberId& id) const {
    auto it = stores.find(id);
    return it == stores.end() ? nullptr : it->second.get();
  }
  /// Calls visit(member, store) for every active member holding a store, self first.
  template <class Visit>
  void for_each_store(Visit&& visit) const {
    for (const Member& m : known) {
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
  /// Marks everything as changed (membership changed shape, or events were lost).
  void everything_changed() { rebuild_all_ = true; }
  /// Marks the member list as changed.
  void members_changed() { members_dirty_ = true; }
  [[nodiscard]] bool pending() const {
    return rebuild_all_ || members_dirty_ || !dirty_stores_.empty();
  }

  /// Protocol thread: builds and publishes a new snapshot if anything changed.
  void publish(const core::Engine& engine);
  /// Any thread: the latest snapshot (never null once publish() ran once).
  [[nodiscard]] std::shared_ptr<const DirectorySnapshot> latest() const;

 private:
  [[nodiscard]] static std::shared_ptr<const StoreView> view_of(const core::Engine& engine,
                                                                const MemberId& id);

  std::set<MemberId> dirty_stores_;
  bool rebuild_all_ = true;
  bool members_dirty_ = true;
  std::shared_ptr<const DirectorySnapshot> building_;  ///< protocol thread's last build
  mutable std::mutex mutex_;                           ///< guards published_ only
  std::shared_ptr<const DirectorySnapshot> published_;
};

}  // namespace convoy::runtime
