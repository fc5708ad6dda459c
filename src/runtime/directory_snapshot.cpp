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
  list->index.reserve(list->known.size());
  for (std::size_t i = 0; i < list->known.size(); ++i) list->index.emplace(list->known[i].id, i);
  std::array<std::shared_ptr<StoreShard>, kStoreShards> shards;
  for (auto& s : shards) s = std::make_shared<StoreShard>();
  const MemberId& self = list->known.front().id;
  for (const Member& m : list->known) {
    if (!is_active(m.status) && m.id != self) continue;
    std::shared_ptr<const StoreView> view;
    if (!rebuild_all_ && building_ && !dirty_stores_.count(m.id)) {
      // Unchanged since the last build: share it. (A member that was inactive then has none
      // there, so a store that changed while its owner was out of the list is rebuilt here.)
      if (const StoreShard& old = *building_->stores[shard_of(m.id)]; old.contains(m.id))
        view = old.at(m.id);
    }
    if (!view) view = view_of(engine, m.id);
    shards[shard_of(m.id)]->emplace(m.id, std::move(view));
  }
  for (std::size_t i = 0; i < kStoreShards; ++i) next.stores[i] = std::move(shards[i]);
  next.members = std::move(list);
  built_changes_ = engine.member_changes();
  built_self_ = engine.member(engine.id());
  member_list_cost_ = std::chrono::steady_clock::now() - started;
}

void SnapshotPublisher::update_stores(const core::Engine& engine, DirectorySnapshot& next) {
  std::array<std::shared_ptr<StoreShard>, kStoreShards> copied{};
  const MemberId& self = next.self().id;
  for (const MemberId& id : dirty_stores_) {
    // Only members the published list holds as active: the others' stores are taken in by the
    // member-list rebuild that adds them (they are not in the last build, so it builds them).
    const Member* m = next.find(id);
    if (m == nullptr || (!is_active(m->status) && id != self)) continue;
    const std::size_t s = shard_of(id);
    if (!copied[s]) {
      copied[s] = std::make_shared<StoreShard>(*next.stores[s]);
      next.stores[s] = copied[s];
    }
    (*copied[s])[id] = view_of(engine, id);
  }
}

std::shared_ptr<const DirectorySnapshot> SnapshotPublisher::latest() const {
  std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace convoy::runtime
