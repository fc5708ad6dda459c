// Schedule files: a file with every action kind reads into the schedule it describes and writes
// back to an equal one; every kind of mistake is refused with a message that names the field.
// A schedule that silently meant something else would test something else, so each refusal
// here is a mistake somebody will make.
#include "sim/schedule_file.hpp"
#include "sim/fault_schedule.hpp"

#include <gtest/gtest.h>

#include <string>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

const char* const kEveryKind = R"({
  "members": 8,
  "seed": 42,
  "timings": {"probe_period": "500ms", "gossip_interval": "100ms", "push_pull_interval": "20s",
              "reconnect_interval": 5, "suspicion_mult": 5, "reap_after": "4m",
              "store_sync_interval": "2s", "tombstone_grace": "1h", "write_timeout": "1.5s",
              "post_join_sync": "3s", "join_timeout": "1s"},
  "actions": [
    {"at": "0s", "action": "writes", "rate_per_s": 12.5, "for": "1m", "remote_share": 0.3,
     "delete_share": 0.1},
    {"at": "1.5s", "action": "crash", "member": 3},
    {"at": 2, "action": "restart", "member": 3, "memory": "none"},
    {"at": "3s", "action": "restart", "member": 4, "memory": "kept"},
    {"at": "4s", "action": "pause", "member": 5, "for": "250ms"},
    {"at": "5s", "action": "partition", "groups": [[0, 1], [2, 3, 4]]},
    {"at": "6s", "action": "partition_one_way", "from": [7], "to": [0, 6]},
    {"at": "7s", "action": "isolate", "member": 2, "direction": "in"},
    {"at": "7s", "action": "isolate", "member": 1},
    {"at": "8s", "action": "loss", "probability": 0.2},
    {"at": "9s", "action": "link_loss", "from": 1, "to": 2, "probability": 1},
    {"at": "10s", "action": "member_loss", "member": 6, "probability": 0.5},
    {"at": "11s", "action": "heal"}
  ],
  "quiet": "90s"
})";

TEST(ScheduleFile, ReadsEveryActionKind) {
  const FaultSchedule s = parse_schedule(kEveryKind);
  EXPECT_EQ(s.members, 8u);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.quiet, 90s);
  EXPECT_EQ(s.timings.probe_period, 500ms);
  EXPECT_EQ(s.timings.reconnect_interval, 5s);  // a bare number is seconds
  EXPECT_EQ(s.timings.suspicion_mult, 5.0);
  EXPECT_EQ(s.timings.write_timeout, 1500ms);
  const convoy::Config c = s.config();
  EXPECT_EQ(c.protocol.probe_interval, 500ms);
  EXPECT_EQ(c.protocol.probe_timeout, 250ms);  // set_probe_period derives it
  EXPECT_EQ(c.store.tombstone_grace, 1h);

  ASSERT_EQ(s.actions.size(), 13u);
  EXPECT_EQ(std::get<action::Writes>(s.actions[0].action), (action::Writes{12.5, 60s, 0.3, 0.1}));
  EXPECT_EQ(s.actions[1].at, 1500ms);
  EXPECT_EQ(std::get<action::Crash>(s.actions[1].action).member, 3u);
  EXPECT_EQ(s.actions[2].at, 2s);
  EXPECT_EQ(std::get<action::Restart>(s.actions[2].action).memory, RestartMemory::none);
  EXPECT_EQ(std::get<action::Restart>(s.actions[3].action).memory, RestartMemory::kept);
  EXPECT_EQ(std::get<action::Pause>(s.actions[4].action).length, 250ms);
  EXPECT_EQ(std::get<action::Partition>(s.actions[5].action).groups,
            (std::vector<std::vector<MemberIndex>>{{0, 1}, {2, 3, 4}}));
  EXPECT_EQ(std::get<action::PartitionOneWay>(s.actions[6].action).to,
            (std::vector<MemberIndex>{0, 6}));
  EXPECT_EQ(std::get<action::Isolate>(s.actions[7].action).direction, Direction::inbound);
  EXPECT_EQ(std::get<action::Isolate>(s.actions[8].action).direction, Direction::both);
  EXPECT_EQ(std::get<action::Loss>(s.actions[9].action).probability, 0.2);
  EXPECT_EQ(std::get<action::LinkLoss>(s.actions[10].action), (action::LinkLoss{1, 2, 1.0}));
  EXPECT_EQ(std::get<action::MemberLoss>(s.actions[11].action), (action::MemberLoss{6, 0.5}));
  EXPECT_TRUE(std::holds_alternative<action::Heal>(s.actions[12].action));
  // The quiet period starts when the longest effect ends: the write load, 0 s + 1 min.
  EXPECT_EQ(s.quiet_begins(), 60s);
}

TEST(ScheduleFile, WritesWhatItReads) {
  const FaultSchedule s = parse_schedule(kEveryKind);
  const std::string text = to_json(s);
  EXPECT_EQ(parse_schedule(text), s) << text;
  EXPECT_EQ(to_json(parse_schedule(text)), text);  // and is stable
  // One action per line, so a printed failure reads and diffs well.
  EXPECT_NE(text.find("\n    {\"at\":\"1500ms\",\"action\":\"crash\",\"member\":3},\n"),
            std::string::npos)
      << text;
}

TEST(ScheduleFile, DefaultsForWhatMayBeLeftOut) {
  const FaultSchedule s = parse_schedule(R"({"members": 3, "actions": []})");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.quiet, 180s);
  EXPECT_EQ(s.timings, ScheduleTimings{});
  EXPECT_TRUE(s.actions.empty());
  const auto w = parse_schedule(
      R"({"members": 3, "actions": [{"at": 0, "action": "writes", "rate_per_s": 1, "for": 1}]})");
  EXPECT_EQ(std::get<action::Writes>(w.actions[0].action), (action::Writes{1, 1s, 0, 0}));
}

TEST(ScheduleFile, DurationsInEveryUnitAndBack) {
  EXPECT_EQ(parse_duration_text("250ms"), 250ms);
  EXPECT_EQ(parse_duration_text("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration_text("0.3s"), 300ms);  // rounded, not truncated to 299.999999 ms
  EXPECT_EQ(parse_duration_text("2m"), 120s);
  EXPECT_EQ(parse_duration_text("1h"), 3600s);
  EXPECT_EQ(parse_duration_text("750us"), 750us);
  EXPECT_EQ(parse_duration_text("10"), std::nullopt);  // a string needs its unit
  EXPECT_EQ(parse_duration_text("5 s"), std::nullopt);
  EXPECT_EQ(parse_duration_text("-1s"), std::nullopt);
  EXPECT_EQ(parse_duration_text("s"), std::nullopt);
  EXPECT_EQ(duration_text(90s), "90s");
  EXPECT_EQ(duration_text(1500ms), "1500ms");
  EXPECT_EQ(duration_text(750us), "750us");
  EXPECT_EQ(duration_text(std::chrono::nanoseconds(7)), "7ns");
}

/// The message parse_schedule refuses `json` with ("" if it accepts it).
std::string refusal(const std::string& json) {
  try {
    (void)parse_schedule(json);
  } catch (const ScheduleFileError& e) {
    return e.what();
  }
  return "";
}

/// A schedule of `members` with one action object `action` (without its "at").
std::string one(const std::string& action, int members = 64) {
  return R"({"members": )" + std::to_string(members) + R"(, "actions": [
    {"at": "1s", "action": "heal"}, {"at": "1s", "action": "heal"}, {"at": "1s", "action": "heal"},
    {"at": "2s", )" +
         action + "}]}";
}

TEST(ScheduleFile, RefusesWithTheFieldNamed) {
  // The example the format's documentation gives.
  EXPECT_EQ(refusal(one(R"("action": "crash", "member": 70)")),
            "actions[3].member: 70 is out of range (members: 64)");

  EXPECT_EQ(refusal(R"({"actions": []})"), "members: missing");
  EXPECT_EQ(refusal(R"({"members": "16", "actions": []})"),
            "members: expected a number of members (a whole number ≥ 1), got \"16\"");
  EXPECT_EQ(refusal(R"({"members": 0, "actions": []})"),
            "members: 0 is not a usable number of members");
  EXPECT_EQ(refusal(R"({"members": 4, "seed": -3, "actions": []})"),
            "seed: expected a seed (a whole number from 0), got -3");
  EXPECT_EQ(refusal(R"({"members": 4})"), "actions: missing");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": {}})"), "actions: expected a list, got {}");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [], "qiuet": "1m"})"), "qiuet: unknown field");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [], "quiet": "0s"})"), "quiet: must be > 0");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [3]})"), "actions[0]: expected an object, got 3");
  EXPECT_EQ(refusal(R"([1, 2])"), "expected an object, got [1,2]");

  // Syntax errors come with their place.
  const std::string syntax = refusal("{\n  \"members\": 4,\n  \"actions\": [\n}");
  EXPECT_NE(syntax.find("line 4, column 1"), std::string::npos) << syntax;
  EXPECT_EQ(syntax.find("json.exception"), std::string::npos) << syntax;

  // Timings: unknown keys, wrong types, and combinations the configuration refuses.
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [], "timings": {"probe_interval": "1s"}})"),
            "timings.probe_interval: unknown field");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [], "timings": {"gossip_interval": "fast"}})"),
            "timings.gossip_interval: expected a duration (\"30s\", \"250ms\", \"2m\") or a "
            "number of seconds, got \"fast\"");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [], "timings": {"reap_after": "5s"}})"),
            "timings: protocol.reap_after: must be at least 10 probe intervals, so stale news "
            "cannot revive a member forgotten too early");
}

TEST(ScheduleFile, RefusesEachActionsMistakes) {
  EXPECT_EQ(refusal(one(R"("member": 3)")), "actions[3].action: missing");
  EXPECT_EQ(refusal(one(R"("action": "crsh", "member": 3)")),
            "actions[3].action: unknown action \"crsh\" (one of crash, restart, pause, partition, "
            "partition_one_way, isolate, heal, loss, link_loss, member_loss, writes)");
  EXPECT_EQ(refusal(one(R"("action": "crash")")), "actions[3].member: missing");
  EXPECT_EQ(refusal(one(R"("action": "crash", "member": 3, "memroy": "none")")),
            "actions[3].memroy: unknown field");
  EXPECT_EQ(refusal(one(R"("action": "crash", "member": -1)")),
            "actions[3].member: expected a member index (a whole number from 0), got -1");
  EXPECT_EQ(refusal(one(R"("action": "crash", "member": 1.5)")),
            "actions[3].member: expected a member index (a whole number from 0), got 1.5");
  EXPECT_EQ(refusal(one(R"("action": "restart", "member": 3)")),
            "actions[3].memory: missing (\"kept\" or \"none\")");
  EXPECT_EQ(refusal(one(R"("action": "restart", "member": 3, "memory": "some")")),
            "actions[3].memory: \"some\" is neither \"kept\" nor \"none\"");
  EXPECT_EQ(refusal(one(R"("action": "pause", "member": 3, "for": "0s")")),
            "actions[3].for: must be > 0");
  EXPECT_EQ(refusal(one(R"("action": "pause", "member": 3, "for": "10 parsecs")")),
            "actions[3].for: expected a duration (\"30s\", \"250ms\", \"2m\") or a number of "
            "seconds, got \"10 parsecs\"");
  EXPECT_EQ(refusal(one(R"("action": "partition", "groups": [[0, 1], [2, 1]])")),
            "actions[3].groups[1][1]: member 1 is already in groups[0]");
  EXPECT_EQ(refusal(one(R"("action": "partition", "groups": [[0, 1], [2, 99]])")),
            "actions[3].groups[1][1]: 99 is out of range (members: 64)");
  EXPECT_EQ(refusal(one(R"("action": "partition", "groups": [])")),
            "actions[3].groups: must list at least one group");
  EXPECT_EQ(refusal(one(R"("action": "partition", "groups": [[0], []])")),
            "actions[3].groups[1]: a group must not be empty");
  EXPECT_EQ(refusal(one(R"("action": "partition", "groups": [0, 1])")),
            "actions[3].groups[0]: expected a list of member indices, got 0");
  EXPECT_EQ(refusal(one(R"("action": "partition_one_way", "from": [1, 2], "to": [3, 2])")),
            "actions[3].to[1]: member 2 is also in from");
  EXPECT_EQ(refusal(one(R"("action": "partition_one_way", "from": [], "to": [3])")),
            "actions[3].from: must not be empty");
  EXPECT_EQ(refusal(one(R"("action": "isolate", "member": 3, "direction": "up")")),
            "actions[3].direction: \"up\" is not \"in\", \"out\" or \"both\"");
  EXPECT_EQ(refusal(one(R"("action": "loss", "probability": 1.5)")),
            "actions[3].probability: 1.5 is not between 0 and 1");
  EXPECT_EQ(refusal(one(R"("action": "loss", "probability": "10%")")),
            "actions[3].probability: expected a number, got \"10%\"");
  EXPECT_EQ(refusal(one(R"("action": "link_loss", "from": 4, "to": 4, "probability": 0.1)")),
            "actions[3].to: the same member as from (a link joins two members)");
  EXPECT_EQ(refusal(one(R"("action": "member_loss", "member": 4, "probability": -0.1)")),
            "actions[3].probability: -0.1 is not between 0 and 1");
  EXPECT_EQ(refusal(one(R"("action": "writes", "rate_per_s": 0, "for": "1s")")),
            "actions[3].rate_per_s: 0 is not in (0, 100000]");
  EXPECT_EQ(refusal(one(R"("action": "writes", "rate_per_s": 5, "for": "1s", "delete_share": 2)")),
            "actions[3].delete_share: 2 is not between 0 and 1");
  EXPECT_EQ(refusal(one(R"("action": "heal", "member": 3)")), "actions[3].member: unknown field");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [{"action": "heal"}]})"),
            "actions[0].at: missing");
  EXPECT_EQ(refusal(R"({"members": 4, "actions": [{"at": -1, "action": "heal"}]})"),
            "actions[0].at: must be ≥ 0");
}

TEST(FaultSchedule, CodeBuiltSchedulesFollowTheSameRules) {
  FaultSchedule s;
  s.members = 4;
  EXPECT_EQ(s.problem(), std::nullopt);
  s.actions.push_back({1s, action::Crash{4}});
  EXPECT_EQ(s.problem(), "actions[0].member: 4 is out of range (members: 4)");
  s.actions[0].action = action::Pause{1, 0s};
  EXPECT_EQ(s.problem(), "actions[0].for: must be > 0");
  s.actions[0].action = action::Pause{1, 3s};
  s.actions.push_back({2s, action::Writes{10, 5s, 0, 0}});
  EXPECT_EQ(s.problem(), std::nullopt);
  EXPECT_EQ(s.quiet_begins(), 7s);  // the write load ends last
  s.members = 0;
  EXPECT_EQ(s.problem(), "members: 0 is not between 1 and 65536");
}

TEST(FaultSchedule, TheDocumentedExamplesParse) {
  // Kept beside the format's documentation; the CLI test also runs them.
  for (const char* name : {"schedule-partition-restart.json", "schedule-restart-no-memory.json"}) {
    const std::string path = std::string(CONVOY_SOURCE_DIR) + "/docs/examples/" + name;
    EXPECT_NO_THROW((void)load_schedule(path)) << path;
  }
  EXPECT_THROW((void)load_schedule("/nonexistent/schedule.json"), ScheduleFileError);
}

}  // namespace
}  // namespace convoy::sim
