// Cluster invariants: what must hold in a quiet cluster, whatever happened to it before,
// counted as violations so a report says how wrong a run was, not only that it was. The ones
// about acknowledged writes need the write history and live in write_ledger.hpp; these need only
// the cluster as it is. "Live" means not crashed (the schedule runner resumes paused members
// before it checks).
#pragma once

#include "sim/sim_cluster.hpp"

#include <cstdint>

namespace convoy::sim {

/// (a) Membership views: (viewer, subject) pairs of live viewers where a live subject is not
/// seen alive, or a crashed subject is still seen alive. Whether the viewer's join completed
/// does not matter (unlike SimCluster::converged()): a member whose seeds are all gone cannot
/// join anyone, and if it is the only live member it sees exactly what it should.
[[nodiscard]] std::int64_t membership_views_wrong(const SimCluster& cluster);
/// (a), as a yes/no that stops at the first wrong view (cheap enough to ask every 100 ms).
[[nodiscard]] bool membership_views_right(const SimCluster& cluster);

/// (b), as a yes/no that stops at the first difference: cheap enough to ask every 100 ms of a
/// long quiet period in which one replica stays wrong.
[[nodiscard]] bool replicas_equal(const SimCluster& cluster);

/// (e) Stale replica keys: keys live in a live member's replica of a live owner's store that the
/// owner's own store does not hold live. Data from an owner's previous life, or a deletion that
/// never arrived, shows up here even when (b)'s content hashes happen to be compared elsewhere.
[[nodiscard]] std::int64_t stale_replica_keys(const SimCluster& cluster);

}  // namespace convoy::sim
