// The agent's settings: the table of protocol settings, their order over a preset (the
// library derives the probe timeout; an explicit one wins), validation named by key and flag,
// and the config file's errors naming file, line and key.
#include "agent/agent_options.hpp"
#include "agent/config_file.hpp"
#include "agent/config_settings.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

std::string write_file(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("convoy-agent-options-" +
                     std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

std::string load_error(const std::string& text) {
  AgentOptions options;
  const std::string path = write_file(text);
  try {
    load_config_file(path, options);
  } catch (const OptionError& e) {
    std::filesystem::remove(path);
    return e.what();
  }
  std::filesystem::remove(path);
  return "";
}

TEST(ConfigSettings, EveryKeyIsUniqueAndFindable) {
  std::set<std::string_view> keys, flags;
  for (const auto& s : config_settings()) {
    EXPECT_TRUE(keys.insert(s.key).second) << s.key;
    EXPECT_TRUE(flags.insert(s.flag).second) << s.flag;
    EXPECT_EQ(find_config_setting(s.key), &s);
  }
  EXPECT_EQ(find_config_setting("protocol.nothing"), nullptr);
}

TEST(ConfigSettings, ProbePeriodGoesThroughTheLibraryAndAnExplicitTimeoutWins) {
  SettingValues values;
  values["protocol.probe_period"] = SettingValue{std::chrono::nanoseconds(2s)};
  Config c = apply_settings(Config::local(), values);
  Config expected = Config::local();
  expected.set_probe_period(2s);
  EXPECT_EQ(c.protocol.probe_interval, expected.protocol.probe_interval);
  EXPECT_EQ(c.protocol.probe_timeout, expected.protocol.probe_timeout);

  values["protocol.probe_timeout"] = SettingValue{std::chrono::nanoseconds(300ms)};
  c = apply_settings(Config::local(), values);
  EXPECT_EQ(c.protocol.probe_interval, 2s);
  EXPECT_EQ(c.protocol.probe_timeout, 300ms);
}

TEST(ConfigSettings, TextOfEachKindParsesOrSaysWhy) {
  const auto* fanout = find_config_setting("dissemination.fanout");
  const auto* period = find_config_setting("protocol.probe_period");
  const auto* mult = find_config_setting("protocol.suspicion_mult");
  EXPECT_EQ(std::get<std::uint64_t>(std::get<SettingValue>(parse_setting_text(*fanout, "4"))), 4u);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_setting_text(*fanout, "-4")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_setting_text(*fanout, "4x")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_setting_text(*period, "soon")));
  EXPECT_EQ(std::get<double>(std::get<SettingValue>(parse_setting_text(*mult, "2.5"))), 2.5);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_setting_text(*mult, "nan")));
}

TEST(BuildConfig, ValidationNamesTheFieldAndItsFlag) {
  AgentOptions options;
  options.settings["dissemination.fanout"] = SettingValue{std::uint64_t{0}};
  try {
    (void)build_config(options);
    FAIL() << "fanout 0 accepted";
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find("dissemination.fanout (--fanout)"), std::string::npos)
        << e.what();
  }
  // A huge count is clamped, not wrapped into something small and valid.
  options.settings["dissemination.fanout"] = SettingValue{std::uint64_t{1} << 32 | 3};
  EXPECT_THROW((void)build_config(options), OptionError);
}

TEST(ConfigFile, ReadsEverySection) {
  AgentOptions options;
  const std::string path = write_file(R"(
bind = "127.0.0.1:9000"
advertise = "10.1.2.3"
join = ["a:1", "b:2"]
data_dir = "/tmp/x"
profile = "wan"
durability = "batched"
join_timeout = "5s"
[http]
address = "127.0.0.1:9001"
[log]
level = "warn"
format = "json"
[tags]
role = "web"
[protocol]
probe_period = "3s"
[store]
write_timeout = "4s"
)");
  load_config_file(path, options);
  std::filesystem::remove(path);
  EXPECT_EQ(options.bind.port, 9000);
  EXPECT_EQ(options.advertise, "10.1.2.3");
  EXPECT_EQ(options.join, (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(options.http.to_string(), "127.0.0.1:9001");
  EXPECT_EQ(options.profile, "wan");
  EXPECT_EQ(options.durability, Durability::batched);
  EXPECT_EQ(options.join_timeout, 5s);
  EXPECT_EQ(options.log_level, LogLevel::warn);
  EXPECT_EQ(options.log_format, LogFormat::json);
  EXPECT_EQ(options.tags.at("role"), "web");
  const Config c = build_config(options);
  EXPECT_EQ(c.protocol.probe_interval, 3s);
  EXPECT_EQ(c.store.write_timeout, 4s);
  EXPECT_EQ(c.dissemination.fanout, Config::wan().dissemination.fanout);
}

TEST(ConfigFile, ErrorsNameTheLineAndTheKey) {
  EXPECT_NE(load_error("\n\n[protocol]\nfanout = 3\n").find(":4: protocol.fanout: unknown key"),
            std::string::npos);
  EXPECT_NE(load_error("[dissemination]\nfactor = 2.5\n")
                .find(":2: dissemination.factor: expected an integer"),
            std::string::npos);
  EXPECT_NE(load_error("[log]\nlevel = \"verbose\"\n").find(":2: log.level: unknown log level"),
            std::string::npos);
  EXPECT_NE(load_error("bind = \"x:y\"\n").find(":1: bind: bad address"), std::string::npos);
  const std::string syntax = load_error("profile = \n");
  EXPECT_NE(syntax.find(":1: "), std::string::npos) << syntax;
  EXPECT_EQ(syntax.find('\n'), std::string::npos) << syntax;
}

}  // namespace
}  // namespace convoy::app
