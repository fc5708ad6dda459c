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

void SnapshotPublisher::publish(const core::Engine& engine) {
  if (!pending()) return;
  auto next = std::make_shared<DirectorySnapshot>();
  next->known = engine.known();
  next->self = next->known.front();
  next->index.reserve(next->known.size());
  for (std::size_t i = 0; i < next->known.size(); ++i) next->index.emplace(next->known[i].id, i);
  for (const Member& m : next->known) {
    if (!is_active(m.status) && m.id != next->self.id) continue;
    std::shared_ptr<const StoreView> view;
    if (!rebuild_all_ && building_ && !dirty_stores_.count(m.id)) {
      // Unchanged since the last build: share it.
      auto it = building_->stores.find(m.id);
      if (it != building_->stores.end()) view = it->second;
    }
    if (!view) view = view_of(engine, m.id);
    next->stores.emplace(m.id, std::move(view));
  }
  dirty_stores_.clear();
  rebuild_all_ = false;
  members_dirty_ = false;
  building_ = next;
  std::lock_guard lock(mutex_);
  published_ = std::move(next);
}

std::shared_ptr<const DirectorySnapshot> SnapshotPublisher::latest() const {
  std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace convoy::runtime
