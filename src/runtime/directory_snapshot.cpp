// SnapshotPublisher: incremental rebuilds of the read model (see directory_snapshot.hpp).
#include "runtime/directory_snapshot.hpp"

namespace convoy::runtime {

std::shared_ptr<const StoreView> SnapshotPublisher::view_of(const core::Engine& engine,
                                                            const MemberId& id) {
  auto view = std::make_shared<StoreView>();
  if (const core::StoreReplica* r = engine.replica(id)) {
    const std::uint64_t epoch = r->epoch();
    r->for_each(
        [&](const wire::StoreItem& item) { view->emplace(item.key, core::to_item(item, epoch)); });
  }
  return view;
}

bool SnapshotPublisher::members_stale(const core::Engine& engine) const {
  return !building_ || engine.member_changes() != built_changes_ ||
         engine.member(engine.id()) != built_self_;
}

bool SnapshotPublisher::publish(const core::Engine& engine, bool with_members) {
  const bool stale = members_stale(engine);
  const bool members = rebuild_all_ || !building_ || (stale && with_members);
  if (!members && dirty_stores_.empty()) return !stale;
  auto next = std::make_shared<DirectorySnapshot>();
  if (members) {
    rebuild(engine, *next);
  } else {
    *next = *building_;  // shares every part; update_stores() replaces what changed
    update_stores(engine, *next);
  }
  dirty_stores_.clear();
  rebuild_all_ = false;
  building_ = next;
  std::lock_guard lock(mutex_);
  published_ = std::move(next);
  return members || !stale;
}

void SnapshotPublisher::rebuild(const core::Engine& engine, DirectorySnapshot& next) {
  const auto started = std::chrono::steady_clock::now();
  auto list = std::make_shared<MemberList>();
  list->known = engine.known();
  const MemberList* old = building_ ? building_->members.get() : nullptr;
  bool same_places = old != nullptr && old->known.size() == list->known.size();
  for (std::size_t i = 0; same_places && i < list->known.size(); ++i)
    same_places = old->known[i].id == list->known[i].id;
  if (same_places) {
    list->index = old->index;
  } else {
    auto index = std::make_shared<MemberIndex>();
    index->reserve(list->known.size());
    for (std::size_t i = 0; i < list->known.size(); ++i) index->emplace(list->known[i].id, i);
    list->index = std::move(index);
  }
  next.members = list;

  if (rebuild_all_ || old == nullptr) {
    for (auto& shard : next.stores) shard = std::make_shared<StoreShard>();
    dirty_stores_.clear();
    for (const Member& m : list->known) dirty_stores_.insert(m.id);
    update_stores(engine, next);
  } else {
    // Newly listed members, and members back to active, get their views (re)built; members no
    // longer listed lose theirs. Everything else is shared with the last build.
    next.stores = building_->stores;
    std::vector<MemberId> gone;
    if (!same_places)
      for (const Member& m : old->known)
        if (!list->index->contains(m.id)) gone.push_back(m.id);
    for (const Member& m : list->known) {
      if (!is_active(m.status)) continue;
      const auto was = old->index->find(m.id);
      if (was == old->index->end() || !is_active(old->known[was->second].status))
        dirty_stores_.insert(m.id);
    }
    update_stores(engine, next, gone);
  }
  built_changes_ = engine.member_changes();
  built_self_ = engine.member(engine.id());
  member_list_built_at_ = started;
  member_list_cost_ = std::chrono::steady_clock::now() - started;
}

void SnapshotPublisher::update_stores(const core::Engine& engine, DirectorySnapshot& next,
                                      const std::vector<MemberId>& gone) {
  std::array<std::shared_ptr<StoreShard>, kStoreShards> copied{};
  auto shard = [&](const MemberId& id) -> StoreShard& {
    const std::size_t s = shard_of(id);
    if (!copied[s]) {
      copied[s] = std::make_shared<StoreShard>(*next.stores[s]);
      next.stores[s] = copied[s];
    }
    return *copied[s];
  };
  for (const MemberId& id : gone) shard(id).erase(id);
  for (const MemberId& id : dirty_stores_) {
    // Listed members only: a member not listed yet gets its view when a rebuild lists it.
    if (next.find(id) == nullptr) continue;
    shard(id)[id] = view_of(engine, id);
  }
}

std::shared_ptr<const DirectorySnapshot> SnapshotPublisher::latest() const {
  std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace convoy::runtime
