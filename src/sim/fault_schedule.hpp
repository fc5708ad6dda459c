// FaultSchedule: one simulated run written down as data — how many members, which timings, which
// seed, and what happens to the cluster when: crashes, restarts with or without memory, pauses,
// partitions, loss, write load. Scenarios written as code stay inside the cases their author
// thought of; a schedule can be generated at random, shrunk to its smallest failing form by a
// property test, saved as a file (schedule_file.hpp) and replayed byte for byte with
// `convoy sim --scenario schedule --schedule FILE.json`. docs/schedules.md documents the format.
//
// This file is the plain value and its rules (validate()); the runner is schedule_runner.hpp.
#pragma once

#include "core/time.hpp"
#include "sim/network.hpp"
#include "sim/restart_memory.hpp"

#include <convoy/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace convoy::sim {

/// Members are named by their index, 0 .. members-1 (the simulator's slot).
using MemberIndex = std::uint32_t;

namespace action {

/// The member stops dead: no more input, no timer, no goodbye. A no-op if it is down already.
struct Crash {
  MemberIndex member = 0;
  friend bool operator==(const Crash&, const Crash&) = default;
};
/// The member comes back (a live member is crashed first) and rejoins through the seeds, with
/// the memory `memory` says (restart_memory.hpp).
struct Restart {
  MemberIndex member = 0;
  RestartMemory memory = RestartMemory::kept;
  friend bool operator==(const Restart&, const Restart&) = default;
};
/// The member stalls for `length` (a GC pause, a stopped VM): input queues, timers wait.
struct Pause {
  MemberIndex member = 0;
  core::Duration length{};
  friend bool operator==(const Pause&, const Pause&) = default;
};
/// Two-way split: members of different groups cannot reach each other. Members in no group
/// form one more group together. Replaces the previous split.
struct Partition {
  std::vector<std::vector<MemberIndex>> groups;
  friend bool operator==(const Partition&, const Partition&) = default;
};
/// One-way split: `from` cannot reach `to`; `to` still reaches `from`. Replaces the previous
/// split.
struct PartitionOneWay {
  std::vector<MemberIndex> from;
  std::vector<MemberIndex> to;
  friend bool operator==(const PartitionOneWay&, const PartitionOneWay&) = default;
};
/// The member's traffic is cut in one or both directions (added to any split).
struct Isolate {
  MemberIndex member = 0;
  Direction direction = Direction::both;
  friend bool operator==(const Isolate&, const Isolate&) = default;
};
/// The network is whole again: every split, isolation and loss setting is undone.
struct Heal {
  friend bool operator==(const Heal&, const Heal&) = default;
};
/// Independent datagram loss on every link without a loss of its own.
struct Loss {
  double probability = 0;
  friend bool operator==(const Loss&, const Loss&) = default;
};
/// Loss on one direction of one link, overriding the global loss there.
struct LinkLoss {
  MemberIndex from = 0;
  MemberIndex to = 0;
  double probability = 0;
  friend bool operator==(const LinkLoss&, const LinkLoss&) = default;
};
/// Loss on every link into and out of one member, overriding the global loss there.
struct MemberLoss {
  MemberIndex member = 0;
  double probability = 0;
  friend bool operator==(const MemberLoss&, const MemberLoss&) = default;
};
/// A write load for `length`: about `rate_per_s` writes a second, each by a random live member.
/// A share `remote_share` of them are compare-and-set writes into another random member's store
/// (expecting the version the writer believes current: they may conflict); the rest go to the
/// writer's own store. A share `delete_share` of all writes are deletes.
struct Writes {
  double rate_per_s = 0;
  core::Duration length{};
  double remote_share = 0;
  double delete_share = 0;
  friend bool operator==(const Writes&, const Writes&) = default;
};

using Action = std::variant<Crash, Restart, Pause, Partition, PartitionOneWay, Isolate, Heal, Loss,
                            LinkLoss, MemberLoss, Writes>;

}  // namespace action

/// One action, `at` after the start of the schedule (the moment the cluster had formed).
struct ScheduledAction {
  core::Duration at{};
  action::Action action;

  /// When its effect ends: `at`, or `at + length` for a pause and a write load.
  [[nodiscard]] core::Duration ends() const;

  friend bool operator==(const ScheduledAction&, const ScheduledAction&) = default;
};

/// Timing overrides on top of the base configuration (Config::lan() unless the caller passes
/// another). Unset fields keep the base's value.
struct ScheduleTimings {
  /// Sets the probe interval and its timeout (half of it), as Config::set_probe_period does.
  std::optional<core::Duration> probe_period;
  std::optional<core::Duration> gossip_interval;
  std::optional<core::Duration> push_pull_interval;
  std::optional<core::Duration> reconnect_interval;
  std::optional<core::Duration> post_join_sync;
  std::optional<core::Duration> reap_after;
  std::optional<core::Duration> join_timeout;
  std::optional<double> suspicion_mult;
  std::optional<core::Duration> store_sync_interval;
  std::optional<core::Duration> tombstone_grace;
  std::optional<core::Duration> write_timeout;

  /// `base` with these overrides applied.
  [[nodiscard]] convoy::Config apply(convoy::Config base) const;

  friend bool operator==(const ScheduleTimings&, const ScheduleTimings&) = default;
};

struct FaultSchedule {
  std::size_t members = 16;
  /// Every random choice of the run (ids, network draws, nodes, the write load) descends from it.
  std::uint64_t seed = 1;
  ScheduleTimings timings;
  /// Run at their `at`; actions with equal `at` run in list order.
  std::vector<ScheduledAction> actions;
  /// The quiet period's bound. It begins once the last action has ended: the network is healed
  /// (no split, isolation or loss), paused members resume, writes stop; crashed members stay
  /// down. It ends early once the cluster has converged with equal stores and stayed so for
  /// kQuietHold (schedule_runner.hpp).
  core::Duration quiet = std::chrono::seconds(180);

  /// When the quiet period begins, from the start of the schedule.
  [[nodiscard]] core::Duration quiet_begins() const;
  /// The configuration the members run: `base` with the timing overrides.
  [[nodiscard]] convoy::Config config(const convoy::Config& base = {}) const;

  /// The first rule the schedule breaks, named by its place in the file format:
  /// "actions[3].member: 70 is out of range (members: 64)". nullopt if it is valid.
  [[nodiscard]] std::optional<std::string> problem() const;

  friend bool operator==(const FaultSchedule&, const FaultSchedule&) = default;
};

/// The name of an action in the file format ("crash", "partition_one_way", ...).
[[nodiscard]] std::string_view action_name(const action::Action& a);

}  // namespace convoy::sim
