// WriteLedger: what the cluster promised its writers. A write reported done is a promise that
// its owner holds it (until a later write replaces it), and a delete reported done is a promise
// that the key is gone everywhere. The ledger keeps, per owner *store life*, the newest
// acknowledged write of every key, and checks those promises against the cluster at the end.
//
// Store lives. The simulator persists no store: every restart — with or without memory of the
// incarnation — starts the owner with an empty store, so writes acknowledged in a life that has
// since ended are legitimately gone and are not counted (scenario_churn.cpp follows the same
// rule). A life is the owner slot's simulator generation, not its store epoch: a member
// restarted without memory may reuse an old epoch number, and telling its lives apart is exactly
// what must not depend on the engine under test. A remote write whose owner restarted between
// the request and the answer was applied by the life that ended (a request to the old process is
// never delivered to the new one) and is not counted either.
#pragma once

#include "sim/port.hpp"
#include "sim/sim_cluster.hpp"

#include <convoy/item.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace convoy::sim {

class WriteLedger {
 public:
  /// A write into `owner`'s store was answered. `life_sent` and `life_answered` are the owner's
  /// store life when the write was sent and when its answer arrived.
  void settle(Slot owner, std::uint32_t life_sent, std::uint32_t life_answered,
              const std::string& key, const WriteResult& result);

  [[nodiscard]] std::int64_t done() const { return done_; }
  [[nodiscard]] std::int64_t conflicts() const { return conflicts_; }
  [[nodiscard]] std::int64_t failed() const { return failed_; }
  /// Writes whose owner never answered in time: maybe applied, maybe not.
  [[nodiscard]] std::int64_t unknown() const { return unknown_; }
  /// Acknowledged writes kept as promises (the newest per key and store life).
  [[nodiscard]] std::int64_t promises() const { return static_cast<std::int64_t>(newest_.size()); }

  /// (c) Acknowledged writes lost: the newest acknowledged write of a key in a live owner's
  /// current store life is not reflected in that store — the key holds an older version, or is
  /// absent although no tombstone at or above that version was collected.
  [[nodiscard]] std::int64_t lost(const SimCluster& cluster) const;

  /// (d) Deleted keys back: the newest acknowledged write of a key in a live owner's current store
  /// life was a delete, the owner has not written the key since, and the key is live at the
  /// owner or in a live member's replica. (Counted per holder.)
  [[nodiscard]] std::int64_t resurrected(const SimCluster& cluster) const;

 private:
  using Key = std::tuple<Slot, std::uint32_t, std::string>;  ///< owner, store life, key
  std::map<Key, Item> newest_;
  std::int64_t done_ = 0;
  std::int64_t conflicts_ = 0;
  std::int64_t failed_ = 0;
  std::int64_t unknown_ = 0;
};

}  // namespace convoy::sim
