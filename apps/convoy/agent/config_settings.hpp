// The protocol settings an agent accepts, one table for the config file and the flags alike: a
// key ("protocol.probe_timeout", the same dotted name Config::validate() reports), a flag
// ("--probe-timeout"), a kind of value, and how it lands in convoy::Config. Keeping them in one
// table is what keeps the file, the flags and docs/agent.md from drifting apart.
//
// Settings apply over the profile's preset in table order; `protocol.probe_period` comes first
// and goes through Config::set_probe_period (the library derives the probe timeout from it), so
// an explicit `protocol.probe_timeout` given with it still wins. Nothing here derives one setting
// from another: that is the library's job.
#pragma once

#include <convoy/config.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace convoy::app {

enum class SettingKind : std::uint8_t {
  duration,  ///< "250ms", "1s" (a TOML string)
  count,     ///< a non-negative integer
  ratio,     ///< a number (integer or float)
};

using SettingValue = std::variant<std::chrono::nanoseconds, std::uint64_t, double>;

struct ConfigSetting {
  std::string_view key;   ///< dotted TOML key, as Config::validate() names it
  std::string_view flag;  ///< the command-line flag
  SettingKind kind;
  std::string_view help;
  void (*apply)(Config&, const SettingValue&);
};

/// Every setting, in the order they apply.
[[nodiscard]] std::span<const ConfigSetting> config_settings();

/// The setting with this dotted key, or nullptr.
[[nodiscard]] const ConfigSetting* find_config_setting(std::string_view key);

/// Parses a flag's text into the setting's kind; on failure returns the problem ("bad duration
/// 'x' (use ...)").
[[nodiscard]] std::variant<SettingValue, std::string> parse_setting_text(const ConfigSetting& s,
                                                                         std::string_view text);

/// Chosen settings by key; applied over a preset in table order.
using SettingValues = std::map<std::string, SettingValue, std::less<>>;

/// `preset` with `values` applied in table order.
[[nodiscard]] Config apply_settings(Config preset, const SettingValues& values);

}  // namespace convoy::app
