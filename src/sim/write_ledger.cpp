// WriteLedger: see write_ledger.hpp for what counts as a promise and why store lives are
// simulator generations.
#include "sim/write_ledger.hpp"

namespace convoy::sim {

void WriteLedger::settle(Slot owner, std::uint32_t life_sent, std::uint32_t life_answered,
                         const std::string& key, const WriteResult& result) {
  switch (result.status) {
    case WriteStatus::conflict:
      ++conflicts_;
      return;
    case WriteStatus::failed:
      ++failed_;
      return;
    case WriteStatus::unknown:
      // Not a promise either way: the owner may or may not have applied it.
      ++unknown_;
      return;
    case WriteStatus::done:
      ++done_;
      break;
  }
  // Deleting an absent key is done without a write: there is nothing to promise.
  if (result.item.version == 0) return;
  if (life_sent != life_answered) return;  // applied by a life that has ended since
  Item& newest = newest_[Key{owner, life_answered, key}];
  if (result.item.version > newest.version) newest = result.item;
}

std::int64_t WriteLedger::lost(const SimCluster& cluster) const {
  const Simulator& sim = cluster.sim();
  std::int64_t lost = 0;
  for (const auto& [k, item] : newest_) {
    const auto& [owner, life, key] = k;
    if (sim.state(owner) == NodeState::crashed || sim.generation(owner) != life) continue;
    const core::StoreReplica& truth = cluster.node(owner).own_store();
    const wire::StoreItem* t = truth.find(key);
    // Absent is fine only if a tombstone at or above this version was collected.
    if (t == nullptr ? item.version > truth.gc_version() : t->version < item.version) ++lost;
  }
  return lost;
}

std::int64_t WriteLedger::resurrected(const SimCluster& cluster) const {
  const Simulator& sim = cluster.sim();
  std::int64_t back = 0;
  for (const auto& [k, item] : newest_) {
    const auto& [owner, life, key] = k;
    if (!item.deleted) continue;
    if (sim.state(owner) == NodeState::crashed || sim.generation(owner) != life) continue;
    const wire::StoreItem* t = cluster.node(owner).own_store().find(key);
    if (t != nullptr && t->version > item.version) continue;  // written again since: not ours
    if (t != nullptr && !t->deleted) ++back;
    for (Slot viewer = 0; viewer < sim.size(); ++viewer) {
      if (viewer == owner || sim.state(viewer) == NodeState::crashed) continue;
      const core::StoreReplica* r = cluster.node(viewer).replica(cluster.id(owner));
      const wire::StoreItem* held = r != nullptr ? r->find(key) : nullptr;
      if (held != nullptr && !held->deleted) ++back;
    }
  }
  return back;
}

}  // namespace convoy::sim
