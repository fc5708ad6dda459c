// AgentOptions: presets, validation and the parsers shared by flags and config file.
#include "agent/agent_options.hpp"

#include "text/duration.hpp"

namespace convoy::app {

Config profile_config(const std::string& profile) {
  if (profile == "lan") return Config::lan();
  if (profile == "wan") return Config::wan();
  if (profile == "local") return Config::local();
  throw OptionError("profile: unknown profile '" + profile + "' (use lan, wan or local)");
}

Config build_config(const AgentOptions& options) {
  Config config = apply_settings(profile_config(options.profile), options.settings);
  if (auto bad = config.validate()) {
    std::string where = bad->field;
    if (const ConfigSetting* s = find_config_setting(bad->field))
      where += " (" + std::string(s->flag) + ")";
    else if (bad->field == "protocol.probe_interval")
      where += " (--probe-period)";
    throw OptionError(where + ": " + bad->message);
  }
  return config;
}

HostOptions to_host_options(const AgentOptions& options) {
  HostOptions host;
  host.bind_host = options.bind.host.empty() ? "0.0.0.0" : options.bind.host;
  host.port = options.bind.port;
  host.advertise_host = options.advertise;
  host.data_dir = options.data_dir;
  host.durability = options.durability;
  host.id = options.id;
  host.config = build_config(options);
  host.join_timeout = options.join_timeout;
  host.leave_timeout = options.leave_timeout;
  host.log_level = options.log_level;
  return host;
}

LogLevel parse_log_level(const std::string& what, const std::string& text) {
  for (LogLevel l : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                     LogLevel::error, LogLevel::off})
    if (to_string(l) == text) return l;
  throw OptionError(what + ": unknown log level '" + text +
                    "' (use trace, debug, info, warn, error or off)");
}

LogFormat parse_log_format(const std::string& what, const std::string& text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  throw OptionError(what + ": unknown log format '" + text + "' (use text or json)");
}

Durability parse_durability(const std::string& what, const std::string& text) {
  if (text == "each_write") return Durability::each_write;
  if (text == "batched") return Durability::batched;
  throw OptionError(what + ": unknown durability '" + text + "' (use each_write or batched)");
}

HostPort parse_address(const std::string& what, const std::string& text,
                       std::uint16_t default_port) {
  auto hp = parse_host_port(text, default_port);
  if (!hp) throw OptionError(what + ": bad address '" + text + "' (use host:port or [v6]:port)");
  return *hp;
}

MemberId parse_member_id(const std::string& what, const std::string& text) {
  auto id = MemberId::parse(text);
  if (!id || id->is_nil())
    throw OptionError(what + ": bad member id '" + text + "' (32 hex digits, not all zero)");
  return *id;
}

std::chrono::milliseconds parse_timeout(const std::string& what, const std::string& text) {
  auto d = parse_duration(text);
  if (!d)
    throw OptionError(what + ": bad duration '" + text + "' (use " + std::string(kDurationUnits) +
                      ")");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

void check_tag(const std::string& what, const std::string& key, const std::string& value) {
  if (key.empty()) throw OptionError(what + ": a tag needs a key (key=value)");
  (void)value;  // sizes are checked against the store limits once the Config is built
}

std::pair<std::string, std::string> parse_tag(const std::string& what, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw OptionError(what + ": bad tag '" + text + "' (use key=value)");
  std::pair<std::string, std::string> tag{text.substr(0, eq), text.substr(eq + 1)};
  check_tag(what, tag.first, tag.second);
  return tag;
}

Encryption parse_stage(const std::string& what, const std::string& text) {
  if (auto stage = parse_encryption(text)) return *stage;
  throw OptionError(what + ": unknown encryption stage '" + text +
                    "' (use off, accept_sealed, send_sealed or required)");
}

std::string parse_security_key(const std::string& what, const std::string& text) {
  if (auto id = key_id(text)) return *id;
  throw OptionError(what +
                    ": not a key (a key is 32 bytes in 44 characters of base64; `convoy keygen` "
                    "makes one)");
}

}  // namespace convoy::app
