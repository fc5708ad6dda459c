// Schedule runner: one ScheduleRun per run_schedule() call. It owns the cluster and everything
// the judgement needs: the write ledger, which members each action touched (to tell false
// deaths from earned ones), and the link losses it set (to undo them). Every random choice —
// which member writes, which key, put or delete — is drawn from the simulator's scenario stream,
// so a schedule and its seed replay exactly.
#include "sim/schedule_runner.hpp"

#include "sim/cluster_invariants.hpp"
#include "sim/scenario_runs.hpp"
#include "sim/sim_cluster.hpp"
#include "sim/write_ledger.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace convoy::sim {

namespace {

using namespace std::chrono_literals;

/// Keys per store the write load draws from: few enough that keys are overwritten and deleted
/// again and again (where ordering bugs live), enough that stores are not one key.
constexpr std::uint64_t kKeysPerStore = 16;
/// How often the quiet period looks whether the cluster has converged.
constexpr core::Duration kQuietCheckStep = 100ms;

/// What the schedule did to one member, for telling false deaths from earned ones.
struct Touched {
  bool crashed_or_paused = false;  ///< crashed, restarted or paused at some point
  bool cut = false;                ///< isolated, on a side of a split, or given a link loss
};

class ScheduleRun {
 public:
  ScheduleRun(const FaultSchedule& schedule, const convoy::Config& base)
      : schedule_(schedule),
        options_(options_for(schedule, base)),
        cluster_(options_),
        touched_(schedule.members),
        paused_until_(schedule.members) {}

  ScheduleOutcome run();

 private:
  static ScenarioOptions options_for(const FaultSchedule& s, const convoy::Config& base) {
    ScenarioOptions o;
    o.scenario = "schedule";
    o.nodes = s.members;
    o.seed = s.seed;
    o.config = s.config(base);
    return o;
  }

  Simulator& sim() { return cluster_.sim(); }
  void observe(const ObservedEvent& e);
  void play(const ScheduledAction& a);

  void act(const action::Crash& a);
  void act(const action::Restart& a);
  void act(const action::Pause& a);
  void act(const action::Partition& a);
  void act(const action::PartitionOneWay& a);
  void act(const action::Isolate& a);
  void act(const action::Heal&) { heal_network(); }
  void act(const action::Loss& a) { sim().network().set_loss(a.probability); }
  void act(const action::LinkLoss& a);
  void act(const action::MemberLoss& a);
  void act(const action::Writes& a) { next_write(a, sim().now() + a.length); }

  void down(Slot m);
  void set_link_loss(Slot from, Slot to, double p);
  void heal_network();
  void next_write(const action::Writes& w, core::TimePoint end);
  void write(const action::Writes& w);
  void report(ScheduleOutcome& out, std::optional<core::Duration> formed,
              core::TimePoint quiet_start);

  const FaultSchedule& schedule_;
  ScenarioOptions options_;
  // Declared before the cluster: write callbacks held by its engines refer to it.
  WriteLedger ledger_;
  SimCluster cluster_;
  std::map<MemberId, Slot> slot_of_;
  std::vector<Touched> touched_;
  /// A paused member resumes only when its latest pause ends (pauses may overlap).
  std::vector<core::TimePoint> paused_until_;
  std::set<std::pair<Slot, Slot>> lossy_links_;
  core::TimePoint start_{};

  std::int64_t crashes_ = 0, restarts_kept_ = 0, restarts_none_ = 0, pauses_ = 0;
  std::int64_t without_effect_ = 0;  ///< crash of a crashed member, pause of a crashed one
  std::int64_t writes_ = 0, writes_without_writer_ = 0;
  std::int64_t dead_declarations_ = 0;
  std::set<std::pair<Slot, Slot>> deaths_;  ///< (declared dead, by whom)
};

ScheduleOutcome ScheduleRun::run() {
  cluster_.on_event = [this](const ObservedEvent& e) { observe(e); };
  const core::Duration spread = join_spread(schedule_.members);
  cluster_.form(spread);
  for (Slot s = 0; s < cluster_.size(); ++s) slot_of_.emplace(cluster_.id(s), s);
  const core::TimePoint form_start = sim().now();
  auto formed =
      cluster_.run_until([&] { return cluster_.converged(); }, form_start + spread + 300s);

  start_ = sim().now();
  for (std::size_t i = 0; i < schedule_.actions.size(); ++i)
    sim().at(start_ + schedule_.actions[i].at, [this, i] { play(schedule_.actions[i]); });
  sim().run_until(start_ + schedule_.quiet_begins());

  // The quiet period: the network whole, every member that is not crashed running, no writes.
  const core::TimePoint quiet_start = sim().now();
  heal_network();
  for (Slot s = 0; s < sim().size(); ++s)
    if (sim().state(s) == NodeState::paused) sim().resume(s);
  const core::TimePoint quiet_end = quiet_start + schedule_.quiet;
  ScheduleOutcome out;
  auto settled = cluster_.run_until(
      [&] {
        if (!membership_views_right(cluster_)) return false;
        if (!out.membership_converged_after_quiet)
          out.membership_converged_after_quiet = sim().now() - quiet_start;
        return replicas_equal(cluster_);
      },
      quiet_end, kQuietCheckStep);
  if (settled) sim().run_until(std::min(*settled + kQuietHold, quiet_end));

  if (settled) out.converged_after_quiet = *settled - quiet_start;
  InvariantViolations& v = out.violations;
  v.membership_views_wrong = membership_views_wrong(cluster_);
  v.replicas_mismatched = cluster_.replicas_mismatched();
  v.acknowledged_writes_lost = ledger_.lost(cluster_);
  v.deleted_keys_resurrected = ledger_.resurrected(cluster_);
  v.stale_replica_keys = stale_replica_keys(cluster_);
  report(out, formed ? std::optional(*formed - form_start) : std::nullopt, quiet_start);
  return out;
}

void ScheduleRun::observe(const ObservedEvent& e) {
  if (e.event.kind != convoy::Event::Kind::member_dead) return;
  ++dead_declarations_;
  if (auto it = slot_of_.find(e.event.member); it != slot_of_.end())
    deaths_.emplace(it->second, e.slot);
}

void ScheduleRun::play(const ScheduledAction& a) {
  std::visit([this](const auto& each) { act(each); }, a.action);
}

void ScheduleRun::down(Slot m) {
  touched_[m].crashed_or_paused = true;
  paused_until_[m] = core::TimePoint{};
}

void ScheduleRun::act(const action::Crash& a) {
  if (sim().state(a.member) == NodeState::crashed) {
    ++without_effect_;
    return;
  }
  down(a.member);
  cluster_.crash(a.member);
  ++crashes_;
}

void ScheduleRun::act(const action::Restart& a) {
  down(a.member);
  cluster_.restart(a.member, a.memory);
  ++(a.memory == RestartMemory::kept ? restarts_kept_ : restarts_none_);
}

void ScheduleRun::act(const action::Pause& a) {
  if (sim().state(a.member) == NodeState::crashed) {
    ++without_effect_;
    return;
  }
  touched_[a.member].crashed_or_paused = true;
  sim().pause(a.member);
  ++pauses_;
  const core::TimePoint until = sim().now() + a.length;
  paused_until_[a.member] = std::max(paused_until_[a.member], until);
  sim().at(until, [this, m = a.member] {
    if (sim().state(m) == NodeState::paused && sim().now() >= paused_until_[m]) sim().resume(m);
  });
}

void ScheduleRun::act(const action::Partition& a) {
  std::vector<bool> listed(schedule_.members);
  for (const auto& g : a.groups)
    for (MemberIndex m : g) listed[m] = true;
  const bool rest = std::find(listed.begin(), listed.end(), false) != listed.end();
  // One group and nobody else is no split at all; otherwise every member is cut from someone.
  if (a.groups.size() + (rest ? 1 : 0) > 1)
    for (Touched& t : touched_) t.cut = true;
  sim().network().split(a.groups);
}

void ScheduleRun::act(const action::PartitionOneWay& a) {
  for (MemberIndex m : a.from) touched_[m].cut = true;
  for (MemberIndex m : a.to) touched_[m].cut = true;
  sim().network().split_one_way(a.from, a.to);
}

void ScheduleRun::act(const action::Isolate& a) {
  touched_[a.member].cut = true;
  sim().network().isolate(a.member, a.direction);
}

void ScheduleRun::act(const action::LinkLoss& a) {
  set_link_loss(a.from, a.to, a.probability);
}

void ScheduleRun::act(const action::MemberLoss& a) {
  for (Slot other = 0; other < schedule_.members; ++other) {
    if (other == a.member) continue;
    set_link_loss(a.member, other, a.probability);
    set_link_loss(other, a.member, a.probability);
  }
}

void ScheduleRun::set_link_loss(Slot from, Slot to, double p) {
  touched_[from].cut = true;
  touched_[to].cut = true;
  sim().network().set_link_loss(from, to, p);
  lossy_links_.emplace(from, to);
}

void ScheduleRun::heal_network() {
  Network& net = sim().network();
  net.heal();
  net.set_loss(0.0);
  for (const auto& [from, to] : lossy_links_) net.clear_link_loss(from, to);
  lossy_links_.clear();
}

void ScheduleRun::next_write(const action::Writes& w, core::TimePoint end) {
  // Poisson arrivals: exponential gaps with mean 1 / rate.
  const double gap = sim().scenario_rng().exponential(1.0 / w.rate_per_s);
  const core::TimePoint when =
      sim().now() + std::chrono::round<core::Duration>(std::chrono::duration<double>(gap));
  if (when >= end) return;
  sim().at(when, [this, w, end] {
    write(w);
    next_write(w, end);
  });
}

void ScheduleRun::write(const action::Writes& w) {
  std::vector<Slot> up;
  for (Slot s = 0; s < sim().size(); ++s)
    if (sim().is_up(s)) up.push_back(s);
  if (up.empty()) {
    ++writes_without_writer_;
    return;
  }
  Random& rng = sim().scenario_rng();
  const Slot writer = up[rng.below(up.size())];
  Slot owner = writer;
  if (schedule_.members > 1 && rng.chance(w.remote_share)) {
    owner = static_cast<Slot>(rng.below(schedule_.members - 1));
    if (owner >= writer) ++owner;
  }
  std::string key = "k";
  key += std::to_string(rng.below(kKeysPerStore));
  const bool erase = rng.chance(w.delete_share);
  std::string value = "v";
  value += std::to_string(rng.next() % 100000);

  core::Engine& n = cluster_.node(writer);
  // The version the writer believes current; a remote writer's belief may be stale: a conflict.
  const core::StoreReplica* believed =
      owner == writer ? &n.own_store() : n.replica(cluster_.id(owner));
  const wire::StoreItem* item = believed != nullptr ? believed->find(key) : nullptr;
  const std::uint64_t expected = item != nullptr ? item->version : 0;

  const std::uint32_t life = sim().generation(owner);
  core::WriteCallback done = [this, owner, life, key](const WriteResult& r) {
    ledger_.settle(owner, life, sim().generation(owner), key, r);
  };
  ++writes_;
  if (erase)
    n.erase(cluster_.id(owner), key, expected, sim().now(), std::move(done));
  else
    n.put(cluster_.id(owner), key, value, expected, sim().now(), std::move(done));
}

void ScheduleRun::report(ScheduleOutcome& out, std::optional<core::Duration> formed,
                         core::TimePoint quiet_start) {
  ScenarioResult& r = out.figures;
  const convoy::Config& c = options_.config;
  r.add("scenario", std::string("schedule"));
  r.add("nodes", static_cast<std::int64_t>(schedule_.members));
  r.add("seed", static_cast<std::int64_t>(schedule_.seed));
  r.add("actions", static_cast<std::int64_t>(schedule_.actions.size()));
  r.add("probe_period_s", seconds(c.protocol.probe_interval));
  r.add("gossip_interval_s", seconds(c.dissemination.gossip_interval));
  r.add("factor", static_cast<std::int64_t>(c.dissemination.factor));
  r.add("fanout", static_cast<std::int64_t>(c.dissemination.fanout));
  r.add("k", static_cast<std::int64_t>(c.protocol.indirect_probes));
  r.add("formed", formed.has_value());
  r.add("formed_after_s", formed ? seconds(*formed) : -1.0);

  r.add("crashes", crashes_);
  r.add("restarts_kept_memory", restarts_kept_);
  r.add("restarts_no_memory", restarts_none_);
  r.add("pauses", pauses_);
  r.add("actions_without_effect", without_effect_);
  const std::int64_t answered =
      ledger_.done() + ledger_.conflicts() + ledger_.failed() + ledger_.unknown();
  r.add("writes", writes_);
  r.add("writes_done", ledger_.done());
  r.add("writes_conflict", ledger_.conflicts());
  r.add("writes_failed", ledger_.failed());
  r.add("writes_unknown", ledger_.unknown());
  r.add("writes_unanswered", writes_ - answered);  // the writer crashed or restarted first
  r.add("writes_without_live_writer", writes_without_writer_);
  r.add("acknowledged_writes_checked", ledger_.promises());

  r.add("quiet_began_s", seconds(quiet_start - start_));
  auto after = [](const std::optional<core::Duration>& d) { return d ? seconds(*d) : -1.0; };
  r.add("membership_converged_after_quiet_s", after(out.membership_converged_after_quiet));
  r.add("converged", out.converged_after_quiet.has_value());
  r.add("converged_after_quiet_s", after(out.converged_after_quiet));

  // Members declared dead by someone although never crashed or paused; and the stricter kind,
  // declared dead although no action touched them nor the member that declared it (a member
  // cut off declares everyone else dead, rightly from where it stands).
  std::set<Slot> never_down, untouched;
  auto clean = [&](Slot s) { return !touched_[s].crashed_or_paused && !touched_[s].cut; };
  for (const auto& [subject, by] : deaths_) {
    if (touched_[subject].crashed_or_paused) continue;
    never_down.insert(subject);
    if (clean(subject) && clean(by)) untouched.insert(subject);
  }
  r.add("dead_declarations", dead_declarations_);
  r.add("never_crashed_or_paused_declared_dead", static_cast<std::int64_t>(never_down.size()));
  r.add("untouched_declared_dead", static_cast<std::int64_t>(untouched.size()));

  const InvariantViolations& v = out.violations;
  r.add("membership_views_wrong", v.membership_views_wrong);
  r.add("replicas_mismatched", v.replicas_mismatched);
  r.add("acknowledged_writes_lost", v.acknowledged_writes_lost);
  r.add("deleted_keys_resurrected", v.deleted_keys_resurrected);
  r.add("stale_replica_keys", v.stale_replica_keys);
  r.add("invariants_held", out.held());

  std::uint64_t combined = 0;
  for (Slot s = 0; s < sim().size(); ++s)
    if (sim().state(s) != NodeState::crashed)
      combined ^= cluster_.node(s).own_store().content_hash() * (s + 1);
  r.add("stores_content_hash", std::to_string(combined));
  add_totals(r, cluster_);
}

}  // namespace

std::string InvariantViolations::summary() const {
  std::string out;
  auto add = [&](const char* name, std::int64_t n) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += name;
    out += '=';
    out += std::to_string(n);
  };
  add("membership_views_wrong", membership_views_wrong);
  add("replicas_mismatched", replicas_mismatched);
  add("acknowledged_writes_lost", acknowledged_writes_lost);
  add("deleted_keys_resurrected", deleted_keys_resurrected);
  add("stale_replica_keys", stale_replica_keys);
  return out.empty() ? "none" : out;
}

ScheduleOutcome run_schedule(const FaultSchedule& schedule, const convoy::Config& base) {
  if (auto bad = schedule.problem()) throw std::invalid_argument("schedule: " + *bad);
  if (auto bad = schedule.config(base).validate())
    throw std::invalid_argument("schedule: timings: " + bad->to_string());
  ScheduleRun run(schedule, base);
  return run.run();
}

}  // namespace convoy::sim
