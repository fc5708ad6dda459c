// SimCluster: a cluster of protocol cores in the simulator, as the scenarios and the scenario
// tests use it: member ids and seeds chosen from the run's seed, staggered joins through a few
// seeds, and convergence checks ("every live member sees every live member alive").
#pragma once

#include "sim/node_process.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace convoy::sim {

class SimCluster {
 public:
  /// Builds the simulator (seeded with options.seed); no node exists yet.
  explicit SimCluster(const ScenarioOptions& options);

  /// Adds options.nodes members: slot 0 starts alone at once; the others join through the
  /// first min(3, nodes) members, at times spread evenly over `spread`.
  void form(core::Duration spread);
  /// The same with chosen seed slots (slot 0 should be one: it founds the cluster).
  void form(core::Duration spread, const std::vector<Slot>& seed_slots);

  /// Runs until `done()` holds (checked every `step` of virtual time) or until `limit`.
  /// Returns the virtual time at which it first held.
  std::optional<core::TimePoint> run_until(const std::function<bool()>& done, core::TimePoint limit,
                                           core::Duration step = std::chrono::milliseconds(100));

  /// True when every member that is up sees exactly the members that are up as alive.
  [[nodiscard]] bool converged() const;
  /// Live (viewer, owner) pairs whose replica differs from the owner's own store (content hash).
  [[nodiscard]] std::int64_t replicas_mismatched() const;
  /// Has live member `slot` put `key` = `value` into its own store (unconditionally: it reads
  /// the current version first).
  void write_own(Slot slot, const std::string& key, const std::string& value);

  /// True when no live member has anything left to piggyback: the cluster is quiet.
  [[nodiscard]] bool quiet() const;
  /// Members currently up (not crashed; paused ones count).
  [[nodiscard]] std::size_t live() const;

  void crash(Slot slot) { sim_.crash(slot); }
  /// Restarts a member (a live one is crashed first) with the memory `memory` says; it rejoins
  /// through the seeds (the first member, which started alone, through the others).
  void restart(Slot slot, RestartMemory memory = RestartMemory::kept);

  [[nodiscard]] Simulator& sim() { return sim_; }
  [[nodiscard]] const Simulator& sim() const { return sim_; }
  [[nodiscard]] core::Engine& node(Slot slot);
  [[nodiscard]] const core::Engine& node(Slot slot) const;
  [[nodiscard]] const MemberId& id(Slot slot) const { return ids_.at(slot); }
  [[nodiscard]] std::size_t size() const { return ids_.size(); }

  /// Called for every core event of every node (set before form()).
  EventObserver on_event;

  /// Sum of the nodes' statistics over the current processes.
  [[nodiscard]] core::EngineStats total_stats() const;

 private:
  ScenarioOptions options_;
  Simulator sim_;
  std::vector<MemberId> ids_;
  std::vector<Address> seeds_;
};

}  // namespace convoy::sim
