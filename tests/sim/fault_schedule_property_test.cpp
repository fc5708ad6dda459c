// Generated fault schedules: RapidCheck builds random schedules — 3 to 64 members, a seed, up to
// a dozen actions of every kind at random times, write loads — runs each in the simulator and
// requires every invariant of schedule_runner.hpp to hold once the cluster is quiet. A failure is
// shrunk to a small schedule and printed as a file `convoy sim --scenario schedule --schedule`
// replays exactly.
//
//   CONVOY_SCHEDULE_CASES=N      run N schedules instead of the default (a soak: thousands)
//   CONVOY_SCHEDULE_SEED=S       RapidCheck's seed (default fixed, so `make test` is repeatable)
//   CONVOY_SCHEDULE_NO_MEMORY=1  also generate restarts without memory (incarnation 0)
//   CONVOY_SCHEDULE_SAVE=PATH    write each failing schedule there (the last one is the smallest)
//   CONVOY_SCHEDULE_VERBOSE=1    print one line per run (members, actions, figures that matter)
//
// Restarts without memory are off by default for one reason only: the engine has a known defect
// with them (a member restarted at incarnation 0 comes back on its old store epoch, so its new
// writes lose to old items and old keys are never removed from replicas; see
// docs/examples/schedule-restart-no-memory.json). Flip the default once the fix lands; the
// invariants themselves are not relaxed for it.
//
// How long the quiet period must be, with the defaults (probe 1 s, suspicion 4 × max(1, log10 N)
// probes, reconnect 10 s, push-pull 30 s stretched to 60 s at 64 members, join timeout 2 s × 3
// seeds × 3 rounds): a crashed member is dead everywhere within ~10 s; a split heals through a
// reconnect exchange within ~10 s plus a suspicion/refutation round; a restarted member whose
// seeds were cut off retries them every 10 s; stores follow within a few 1 s digest rounds, and
// a periodic push-pull catches the rest within 60 s. The bound is 120 s, twice the slowest
// repair. And everything must finish before `reap_after` (5 min): actions end by 180 s (at ≤
// 120 s, pauses ≤ 30 s, write loads ≤ 60 s) and the quiet period heals at once, so no partition
// and no death outlasts 180 + 120 = 300 s — a member forgotten by a side before the heal would
// exercise another path (merging at the push-pull period only), which is outside this test.
#include "sim/fault_schedule.hpp"
#include "sim/schedule_file.hpp"
#include "sim/schedule_runner.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace convoy::sim {

/// RapidCheck shows a counterexample through this: the schedule as a replayable file.
void showValue(const FaultSchedule& schedule, std::ostream& os) {
  os << "\n" << to_json(schedule);
}

namespace {

using namespace std::chrono_literals;

/// Default number of generated schedules: 12 s in the release build on one core (measured;
/// about 50 ms a schedule, most of it in the few large clusters), well under a minute.
constexpr int kDefaultCases = 250;
constexpr std::uint64_t kDefaultRapidCheckSeed = 20240611;

constexpr MemberIndex kMaxMembers = 64;
constexpr int kMaxActions = 12;
constexpr int kFullSize = 100;  ///< RapidCheck's largest default size: inRange() spans its range
constexpr int kLatestActionMs = 120'000;
constexpr core::Duration kQuietBound = 120s;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

core::Duration ms(int n) {
  return std::chrono::milliseconds(n);
}

/// Member indices are generated in [0, 64) and reduced modulo the member count when the schedule
/// is assembled, so shrinking the member count never makes an action invalid.
struct RawAction {
  int at_ms = 0;
  action::Action action;
  std::vector<int> sides;  ///< partitions: a side (0..2) for each of 64 members
};

rc::Gen<int> member_gen() {
  return rc::gen::inRange<int>(0, kMaxMembers);
}
rc::Gen<int> at_gen() {
  return rc::gen::inRange(0, kLatestActionMs + 1);
}

/// Builds a raw action of one kind from `at` and the kind's own fields only, so shrinking never
/// spends a simulation on a field the action does not have.
template <class... G, class F>
rc::Gen<RawAction> raw(F make, rc::Gen<G>... fields) {
  return rc::gen::apply(
      [make](int at, G... f) {
        RawAction r = make(f...);
        r.at_ms = at;
        return r;
      },
      at_gen(), std::move(fields)...);
}

RawAction with(action::Action a) {
  RawAction r;
  r.action = std::move(a);
  return r;
}

rc::Gen<RawAction> action_gen(bool restarts_without_memory) {
  using namespace rc;
  const auto percent = [](int lo, int hi) { return gen::inRange(lo, hi + 1); };
  const auto sides = gen::container<std::vector<int>>(kMaxMembers, gen::inRange(0, 3));
  return gen::weightedOneOf<RawAction>({
      {2, raw([] { return with(action::Heal{}); })},
      {1, raw([](int p) { return with(action::Loss{p / 100.0}); }, percent(0, 50))},
      {3,
       raw([](int m) { return with(action::Crash{static_cast<MemberIndex>(m)}); }, member_gen())},
      {3, raw(
              [restarts_without_memory](int m, bool none) {
                const auto memory =
                    none && restarts_without_memory ? RestartMemory::none : RestartMemory::kept;
                return with(action::Restart{static_cast<MemberIndex>(m), memory});
              },
              member_gen(), gen::arbitrary<bool>())},
      {2, raw(
              [](int m, int len) {
                return with(action::Pause{static_cast<MemberIndex>(m), ms(len)});
              },
              member_gen(), gen::inRange(100, 30'001))},
      {1, raw(
              [](int m, int d) {
                const Direction dir[] = {Direction::both, Direction::inbound, Direction::outbound};
                return with(action::Isolate{static_cast<MemberIndex>(m), dir[d]});
              },
              member_gen(), gen::inRange(0, 3))},
      {1, raw(
              [](int a, int b, int p) {
                return with(action::LinkLoss{static_cast<MemberIndex>(a),
                                             static_cast<MemberIndex>(b), p / 100.0});
              },
              member_gen(), member_gen(), percent(0, 100))},
      {1, raw(
              [](int m, int p) {
                return with(action::MemberLoss{static_cast<MemberIndex>(m), p / 100.0});
              },
              member_gen(), percent(0, 100))},
      {2, raw(
              [](std::vector<int> s) {
                RawAction r = with(action::Partition{});
                r.sides = std::move(s);
                return r;
              },
              sides)},
      {1, raw(
              [](std::vector<int> s) {
                RawAction r = with(action::PartitionOneWay{});
                r.sides = std::move(s);
                return r;
              },
              sides)},
      {4, raw(
              [](int rate, int len, int remote, int del) {
                return with(action::Writes{static_cast<double>(rate), ms(len), remote / 100.0,
                                           del / 100.0});
              },
              gen::inRange(1, 51), gen::inRange(1'000, 60'001), percent(0, 100), percent(0, 50))},
  });
}

/// Fits a raw action to `n` members: indices modulo n, sides turned into groups.
ScheduledAction fit(const RawAction& raw, std::size_t n) {
  const auto m = [n](MemberIndex i) { return static_cast<MemberIndex>(i % n); };
  ScheduledAction out{ms(raw.at_ms), raw.action};
  std::visit(
      [&](auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, action::Crash> || std::is_same_v<A, action::Restart> ||
                      std::is_same_v<A, action::Pause> || std::is_same_v<A, action::Isolate> ||
                      std::is_same_v<A, action::MemberLoss>) {
          a.member = m(a.member);
        } else if constexpr (std::is_same_v<A, action::LinkLoss>) {
          a.from = m(a.from);
          a.to = m(a.to);
          if (a.to == a.from) a.to = static_cast<MemberIndex>((a.from + 1) % n);
        } else if constexpr (std::is_same_v<A, action::Partition>) {
          std::vector<std::vector<MemberIndex>> groups(3);
          for (MemberIndex i = 0; i < n; ++i) groups[raw.sides[i]].push_back(i);
          for (auto& g : groups)
            if (!g.empty()) a.groups.push_back(std::move(g));
        } else if constexpr (std::is_same_v<A, action::PartitionOneWay>) {
          for (MemberIndex i = 0; i < n; ++i) {
            if (raw.sides[i] == 1) a.from.push_back(i);
            if (raw.sides[i] == 2) a.to.push_back(i);
          }
          // Both sides must be non-empty: borrow members from the rest, or from the other side.
          if (a.from.empty()) a.from.push_back(a.to.empty() || a.to.front() != 0 ? 0 : n - 1);
          std::erase(a.to, a.from.front());
          if (a.to.empty()) {
            for (MemberIndex i = 0; i < n && a.to.empty(); ++i)
              if (std::find(a.from.begin(), a.from.end(), i) == a.from.end()) a.to.push_back(i);
            if (a.to.empty()) {  // everyone was in `from`
              a.to.push_back(a.from.back());
              a.from.pop_back();
            }
          }
        }
      },
      out.action);
  return out;
}

rc::Gen<FaultSchedule> schedule_gen(bool restarts_without_memory) {
  using namespace rc;
  // Mostly small clusters, so the default run stays quick; now and then up to 64 members.
  auto members = gen::weightedOneOf<std::size_t>(
      {{6, gen::inRange<std::size_t>(3, 17)}, {1, gen::inRange<std::size_t>(17, kMaxMembers + 1)}});
  // RapidCheck scales inRange() by its size parameter, which grows from 0 over the cases: left
  // alone, early cases would put every action at 0 s on member 0. Values are drawn at full size
  // instead; the size only bounds the number of actions.
  auto actions =
      gen::resize(kMaxActions, gen::nonEmpty(gen::container<std::vector<RawAction>>(
                                   gen::resize(kFullSize, action_gen(restarts_without_memory)))));
  return gen::apply(
      [](std::size_t n, std::uint64_t seed, const std::vector<RawAction>& raws) {
        FaultSchedule s;
        s.members = n;
        s.seed = seed;
        s.quiet = kQuietBound;
        for (const RawAction& r : raws) s.actions.push_back(fit(r, n));
        std::stable_sort(s.actions.begin(), s.actions.end(),
                         [](const auto& a, const auto& b) { return a.at < b.at; });
        return s;
      },
      gen::resize(kFullSize, members),
      gen::resize(kFullSize, gen::noShrink(gen::inRange<std::uint64_t>(1, 1'000'000'000))),
      actions);
}

/// Reports shrinking as it goes: each tried shrink is a whole simulation run, so a long shrink
/// should show that it is alive.
class ShrinkProgress final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
    ++tried_;
    if (accepted)
      std::cout << "[ shrink   ] " << ++accepted_ << " accepted of " << tried_ << " tried"
                << std::endl;
  }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}

 private:
  int tried_ = 0;
  int accepted_ = 0;
};

std::string figures_text(const ScenarioResult& r) {
  std::ostringstream out;
  for (const auto& [name, value] : r.figures()) {
    out << name << '=';
    std::visit([&](const auto& v) { out << v; }, value);
    out << ' ';
  }
  return out.str();
}

TEST(FaultScheduleProperty, GeneratedSchedulesKeepEveryInvariant) {
  const int cases =
      env("CONVOY_SCHEDULE_CASES") ? std::stoi(*env("CONVOY_SCHEDULE_CASES")) : kDefaultCases;
  const std::uint64_t rc_seed = env("CONVOY_SCHEDULE_SEED")
                                    ? std::stoull(*env("CONVOY_SCHEDULE_SEED"))
                                    : kDefaultRapidCheckSeed;
  const bool without_memory = env("CONVOY_SCHEDULE_NO_MEMORY") == "1";
  const std::optional<std::string> save = env("CONVOY_SCHEDULE_SAVE");
  const bool verbose = env("CONVOY_SCHEDULE_VERBOSE") == "1";
  // RapidCheck also prints "Using configuration: seed=..." for its global default: not this run's.
  std::cout << "[ seed     ] rapidcheck seed=" << rc_seed << " cases=" << cases
            << " restarts_without_memory=" << (without_memory ? "yes" : "no") << "\n";

  // Passing runs: the slowest convergence seen, to check the quiet bound has room to spare.
  core::Duration slowest{0};
  FaultSchedule slowest_schedule;
  int runs = 0;

  auto property = [&] {
    const FaultSchedule s = *schedule_gen(without_memory);
    ++runs;
    const ScheduleOutcome o = run_schedule(s);
    const bool formed = o.figures.get<bool>("formed");
    if (verbose) {
      std::cout << "[ run      ] members=" << s.members << " seed=" << s.seed << " actions=";
      for (const auto& a : s.actions) std::cout << action_name(a.action) << ',';
      for (const char* f : {"sim_seconds", "writes_done", "converged_after_quiet_s"}) {
        std::cout << ' ' << f << '=';
        std::visit([](const auto& v) { std::cout << v; }, o.figures.at(f));
      }
      std::cout << ' ' << o.violations.summary() << '\n';
    }
    if (formed && o.held()) {
      if (*o.converged_after_quiet > slowest) {
        slowest = *o.converged_after_quiet;
        slowest_schedule = s;
      }
      return;
    }
    if (save) std::ofstream(*save) << to_json(s);
    RC_FAIL(
        "invariants violated: " + o.violations.summary() +
        (formed ? "" : " (the cluster never formed)") +
        (o.converged_after_quiet ? "" : " (not converged with equal stores in the quiet bound)") +
        "\nfigures: " + figures_text(o.figures) +
        "\nreplay: save the schedule as FILE.json, then `convoy sim --scenario schedule "
        "--schedule FILE.json`\n" +
        to_json(s));
  };

  rc::detail::TestParams params;
  params.maxSuccess = cases;
  params.seed = rc_seed;
  rc::detail::TestMetadata metadata;
  metadata.id = "FaultScheduleProperty/GeneratedSchedulesKeepEveryInvariant";
  metadata.description = "generated fault schedules keep every invariant";
  // checkProperty instead of RC_GTEST_PROP: the case count and seed come from our own
  // environment variables, and RC_GTEST_PROP would take them from RC_PARAMS only.
  ShrinkProgress listener;
  const rc::detail::TestResult result =
      rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params, listener);
  // How much of the quiet bound passing runs needed: the margin left to a false alarm.
  std::cout << "[ schedules] runs=" << runs << " slowest convergence after quiet began="
            << std::chrono::duration<double>(slowest).count() << "s of "
            << std::chrono::duration<double>(kQuietBound).count() << "s (members "
            << slowest_schedule.members << ", seed " << slowest_schedule.seed << ")\n";
  if (verbose && runs > 0) std::cout << to_json(slowest_schedule);
  if (!result.is<rc::detail::SuccessResult>()) {
    std::ostringstream message;
    rc::detail::printResultMessage(result, message);
    FAIL() << message.str();
  }
}

}  // namespace
}  // namespace convoy::sim
