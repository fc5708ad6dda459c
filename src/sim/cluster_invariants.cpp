// Cluster invariants: see cluster_invariants.hpp. Both checks are O(members²) and meant to run
// once, at the end of a run.
#include "sim/cluster_invariants.hpp"

namespace convoy::sim {

std::int64_t membership_views_wrong(const SimCluster& cluster) {
  const Simulator& sim = cluster.sim();
  std::int64_t wrong = 0;
  for (Slot viewer = 0; viewer < sim.size(); ++viewer) {
    if (sim.state(viewer) == NodeState::crashed) continue;
    const core::Engine& n = cluster.node(viewer);
    for (Slot subject = 0; subject < sim.size(); ++subject) {
      if (subject == viewer) continue;
      const auto view = n.member(cluster.id(subject));
      const bool seen_alive = view && view->status == MemberStatus::alive;
      const bool is_live = sim.state(subject) != NodeState::crashed;
      if (seen_alive != is_live) ++wrong;
    }
  }
  return wrong;
}

bool membership_views_right(const SimCluster& cluster) {
  const Simulator& sim = cluster.sim();
  const std::size_t live = cluster.live();
  // Counts first: they catch almost every wrong view for one call per member.
  for (Slot s = 0; s < sim.size(); ++s)
    if (sim.state(s) != NodeState::crashed && cluster.node(s).count(MemberStatus::alive) != live)
      return false;
  return membership_views_wrong(cluster) == 0;
}

bool replicas_equal(const SimCluster& cluster) {
  const Simulator& sim = cluster.sim();
  const std::uint64_t empty = core::StoreReplica().content_hash();
  for (Slot owner = 0; owner < sim.size(); ++owner) {
    if (sim.state(owner) == NodeState::crashed) continue;
    const std::uint64_t truth = cluster.node(owner).own_store().content_hash();
    for (Slot viewer = 0; viewer < sim.size(); ++viewer) {
      if (viewer == owner || sim.state(viewer) == NodeState::crashed) continue;
      const core::StoreReplica* r = cluster.node(viewer).replica(cluster.id(owner));
      if ((r != nullptr ? r->content_hash() : empty) != truth) return false;
    }
  }
  return true;
}

std::int64_t stale_replica_keys(const SimCluster& cluster) {
  const Simulator& sim = cluster.sim();
  std::int64_t stale = 0;
  for (Slot owner = 0; owner < sim.size(); ++owner) {
    if (sim.state(owner) == NodeState::crashed) continue;
    const core::StoreReplica& truth = cluster.node(owner).own_store();
    for (Slot viewer = 0; viewer < sim.size(); ++viewer) {
      if (viewer == owner || sim.state(viewer) == NodeState::crashed) continue;
      const core::StoreReplica* r = cluster.node(viewer).replica(cluster.id(owner));
      if (r == nullptr) continue;
      r->for_each([&](const wire::StoreItem& item) {
        const wire::StoreItem* t = truth.find(item.key);
        if (t == nullptr || t->deleted) ++stale;
      });
    }
  }
  return stale;
}

}  // namespace convoy::sim
