// Schedule runner: plays a FaultSchedule in the simulator and judges the result. It forms the
// cluster, plays each action at its time, then lets the cluster settle in a quiet period and
// checks the invariants every cluster must meet once quiet, whatever it went through:
//
//   (a) membership   every live member sees every live member alive, and no crashed one alive
//   (b) replicas     every live replica of a live owner's store equals that store
//   (c) writes       no acknowledged write lost (in the owner's current store life)
//   (d) deletes      no acknowledged delete undone (in the owner's current store life)
//   (e) stale data   no replica holds a key its owner's current store does not hold
//
// (c) and (d) are defined in write_ledger.hpp, (a) and (e) in cluster_invariants.hpp, (b) is
// SimCluster::replicas_mismatched(). Violations are counted, not just detected.
#pragma once

#include "core/time.hpp"
#include "sim/fault_schedule.hpp"
#include "sim/scenario.hpp"

#include <convoy/config.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace convoy::sim {

/// Once the quiet cluster has converged with equal stores, it must stay so this long before the
/// invariants are checked: a state that only holds for a moment (a key that comes back with a
/// late repair, a member that flaps) is not convergence. One default push-pull interval.
inline constexpr core::Duration kQuietHold = std::chrono::seconds(30);

/// Violations of each invariant; all zero, and converged, is a pass.
struct InvariantViolations {
  std::int64_t membership_views_wrong = 0;    ///< (a) wrong (viewer, subject) pairs
  std::int64_t replicas_mismatched = 0;       ///< (b) live (viewer, owner) pairs that differ
  std::int64_t acknowledged_writes_lost = 0;  ///< (c)
  std::int64_t deleted_keys_resurrected = 0;  ///< (d) per holder
  std::int64_t stale_replica_keys = 0;        ///< (e) per (viewer, owner, key)

  [[nodiscard]] bool none() const {
    return membership_views_wrong == 0 && replicas_mismatched == 0 &&
           acknowledged_writes_lost == 0 && deleted_keys_resurrected == 0 &&
           stale_replica_keys == 0;
  }
  /// "replicas_mismatched=3 stale_replica_keys=12": the non-zero counts, for messages.
  [[nodiscard]] std::string summary() const;
};

struct ScheduleOutcome {
  /// Every live member saw exactly the live members alive, this long after the quiet period
  /// began (first time; nullopt: never within the bound).
  std::optional<core::Duration> membership_converged_after_quiet;
  /// ... and every replica equalled its owner's store as well.
  std::optional<core::Duration> converged_after_quiet;
  InvariantViolations violations;
  /// Every figure of the run in report order (what `convoy sim` prints).
  ScenarioResult figures;

  [[nodiscard]] bool held() const { return converged_after_quiet.has_value() && violations.none(); }
};

/// Runs `schedule` with `base` as the configuration its timings override. Throws
/// std::invalid_argument if the schedule is invalid (FaultSchedule::problem()).
[[nodiscard]] ScheduleOutcome run_schedule(const FaultSchedule& schedule,
                                           const convoy::Config& base = {});

}  // namespace convoy::sim
