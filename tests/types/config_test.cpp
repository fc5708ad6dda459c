// Config: the presets are valid and distinct, set_probe_period keeps its policy, and validate()
// refuses each bad setting by naming the field — including settings that are only wrong
// together (a probe timeout no shorter than the interval).
#include <convoy/config.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace convoy {
namespace {

using namespace std::chrono_literals;

TEST(Config, PresetsAreValidAndDiffer) {
  for (const Config& c : {Config::lan(), Config::wan(), Config::local(), Config{}}) {
    const auto problem = c.validate();
    EXPECT_FALSE(problem.has_value()) << problem->to_string();
  }
  EXPECT_GT(Config::wan().protocol.probe_interval, Config::lan().protocol.probe_interval);
  EXPECT_LT(Config::local().protocol.probe_timeout, Config::lan().protocol.probe_timeout);
  EXPECT_EQ(Config{}.protocol.probe_interval, Config::lan().protocol.probe_interval);
}

TEST(Config, ProbePeriodSetsTheTimeoutWithIt) {
  Config c;
  c.set_probe_period(200ms);
  EXPECT_EQ(c.protocol.probe_interval, 200ms);
  EXPECT_EQ(c.protocol.probe_timeout, 100ms);
  EXPECT_FALSE(c.validate().has_value());
}

struct BadSetting {
  std::string field;
  std::function<void(Config&)> spoil;
};

TEST(Config, ValidateNamesTheOffendingField) {
  const BadSetting cases[] = {
      {"protocol.probe_interval", [](Config& c) { c.protocol.probe_interval = 0s; }},
      {"protocol.probe_timeout", [](Config& c) { c.protocol.probe_timeout = 0s; }},
      {"protocol.probe_timeout", [](Config& c) { c.protocol.probe_timeout = 1s; }},  // = interval
      {"protocol.probe_timeout", [](Config& c) { c.protocol.probe_timeout = 2s; }},
      {"protocol.indirect_probes", [](Config& c) { c.protocol.indirect_probes = 33; }},
      {"protocol.suspicion_mult", [](Config& c) { c.protocol.suspicion_mult = 0.4; }},
      {"protocol.suspicion_max_mult", [](Config& c) { c.protocol.suspicion_max_mult = 0.9; }},
      {"protocol.suspicion_confirmations",
       [](Config& c) { c.protocol.suspicion_confirmations = 33; }},
      {"protocol.suspicion_mult", [](Config& c) { c.protocol.suspicion_mult = 0.0 / 0.0; }},
      {"protocol.awareness_max", [](Config& c) { c.protocol.awareness_max = 65; }},
      {"protocol.push_pull_interval", [](Config& c) { c.protocol.push_pull_interval = -1s; }},
      {"protocol.reap_after", [](Config& c) { c.protocol.reap_after = 5s; }},
      {"protocol.join_timeout", [](Config& c) { c.protocol.join_timeout = 0s; }},
      {"protocol.join_rounds", [](Config& c) { c.protocol.join_rounds = 0; }},
      {"dissemination.gossip_interval", [](Config& c) { c.dissemination.gossip_interval = 0s; }},
      {"dissemination.fanout", [](Config& c) { c.dissemination.fanout = 0; }},
      {"dissemination.factor", [](Config& c) { c.dissemination.factor = 0; }},
      {"dissemination.factor", [](Config& c) { c.dissemination.factor = 1000; }},
      {"dissemination.packet_budget", [](Config& c) { c.dissemination.packet_budget = 100; }},
      {"dissemination.packet_budget", [](Config& c) { c.dissemination.packet_budget = 70000; }},
      {"store.max_key_bytes", [](Config& c) { c.store.max_key_bytes = 300; }},
      {"store.max_value_bytes", [](Config& c) { c.store.max_value_bytes = 0; }},
      {"store.max_value_bytes", [](Config& c) { c.store.max_value_bytes = 5u << 20; }},
      {"store.sync_interval", [](Config& c) { c.store.sync_interval = 0s; }},
      {"store.tombstone_grace", [](Config& c) { c.store.tombstone_grace = 1s; }},
      {"store.write_timeout", [](Config& c) { c.store.write_timeout = 0s; }},
      {"network.max_stream_message",
       [](Config& c) {
         c.network.max_stream_message = 1000;
         c.store.max_value_bytes = 10;
       }},
  };
  for (const BadSetting& bad : cases) {
    Config c;
    bad.spoil(c);
    const auto problem = c.validate();
    ASSERT_TRUE(problem.has_value()) << bad.field << " was accepted";
    EXPECT_EQ(problem->field, bad.field) << problem->to_string();
    EXPECT_FALSE(problem->message.empty());
    EXPECT_EQ(problem->to_string().rfind(bad.field + ": ", 0), 0u) << problem->to_string();
  }
}

}  // namespace
}  // namespace convoy
