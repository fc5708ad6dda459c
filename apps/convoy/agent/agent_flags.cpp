// `convoy agent` flags: see agent_flags.hpp.
#include "agent/agent_flags.hpp"

namespace convoy::app {
namespace {

bool given(const CLI::App& command, const std::string& flag) {
  return command.get_option(flag)->count() > 0;
}

}  // namespace

AgentFlags::AgentFlags(CLI::App& command) : command_(command) {
  command.add_option("--config", config_path_, "TOML config file (docs/agent.md); flags win");
  command.add_option("--bind", bind_,
                     "Listen address for the cluster protocol, UDP and TCP (default 0.0.0.0:7946)");
  command.add_option("--advertise", advertise_,
                     "Address other members use to reach this one, host[:port] (default: picked "
                     "from the interfaces, never a wildcard)");
  command.add_option("--join", join_, "Seed to join through, host:port (repeatable)");
  command.add_option("--data-dir", data_dir_,
                     "Keep the member id, incarnation and own store here across restarts");
  command.add_option("--http", http_,
                     "HTTP API and dashboard address (default 127.0.0.1:7947; loopback only)");
  command.add_option("--profile", profile_, "Protocol timings preset: lan (default), wan, local");
  command.add_option("--id", id_, "Member id for a new data dir (32 hex digits)");
  command.add_option("--durability", durability_, "each_write (default) or batched");
  command.add_option("--join-timeout", join_timeout_,
                     "Keep trying the seeds this long before giving up (default 30s)");
  command.add_option("--leave-timeout", leave_timeout_,
                     "On SIGINT/SIGTERM, wait this long for the leave to spread (default 3s)");
  command.add_option("--log-level", log_level_, "trace, debug, info (default), warn, error, off");
  command.add_option("--log-format", log_format_, "text (default) or json (one object a line)");
  command.add_option("--tag", tags_, "Initial key of this member's store, key=value (repeatable)");
  command.add_option("--http-max-streams", max_event_streams_,
                     "Concurrent event streams (SSE) served (default 1024)");
  command.add_option("--key", keys_,
                     "Encryption key, base64 (repeatable; the first is the primary; `convoy "
                     "keygen` makes one). Shows in ps: prefer the config file or --keyring-file");
  command.add_option("--keyring-file", keyring_file_,
                     "Keep the keyring in this JSON file: read at start if it exists (then it is "
                     "the keyring: do not give --key), rewritten after every change made through "
                     "the API");
  command.add_option("--encryption", encryption_,
                     "off, accept_sealed, send_sealed or required (default: required with a key, "
                     "off without)");
  command.add_option("--cluster-name", cluster_name_,
                     "Bound into every sealed packet: clusters that share a key but not a name "
                     "refuse each other");
  for (const ConfigSetting& s : config_settings())
    command.add_option(std::string(s.flag), setting_text_[std::string(s.key)],
                       std::string(s.help) + " [" + std::string(s.key) + "]");
}

void AgentFlags::apply(AgentOptions& options) const {
  if (given(command_, "--bind")) options.bind = parse_address("--bind", bind_, kDefaultGossipPort);
  if (given(command_, "--advertise")) options.advertise = advertise_;
  if (given(command_, "--join")) options.join = join_;
  if (given(command_, "--data-dir")) options.data_dir = data_dir_;
  if (given(command_, "--http")) options.http = parse_address("--http", http_, kDefaultHttpPort);
  if (given(command_, "--profile")) {
    options.profile = profile_;
    try {
      (void)profile_config(profile_);
    } catch (const OptionError&) {
      throw OptionError("--profile: unknown profile '" + profile_ + "' (use lan, wan or local)");
    }
  }
  if (given(command_, "--id")) options.id = parse_member_id("--id", id_);
  if (given(command_, "--durability"))
    options.durability = parse_durability("--durability", durability_);
  if (given(command_, "--join-timeout"))
    options.join_timeout = parse_timeout("--join-timeout", join_timeout_);
  if (given(command_, "--leave-timeout"))
    options.leave_timeout = parse_timeout("--leave-timeout", leave_timeout_);
  if (given(command_, "--log-level"))
    options.log_level = parse_log_level("--log-level", log_level_);
  if (given(command_, "--log-format"))
    options.log_format = parse_log_format("--log-format", log_format_);
  for (const auto& text : tags_) {
    auto [key, value] = parse_tag("--tag", text);
    options.tags[key] = value;
  }
  if (given(command_, "--http-max-streams")) {
    if (max_event_streams_ == 0) throw OptionError("--http-max-streams: must be > 0");
    options.http_limits.max_event_streams = max_event_streams_;
  }
  if (given(command_, "--key")) {
    for (const auto& key : keys_) (void)parse_security_key("--key", key);
    options.security.keys = keys_;
  }
  if (given(command_, "--keyring-file")) {
    if (keyring_file_.empty()) throw OptionError("--keyring-file: the path is empty");
    options.security.keyring_file = keyring_file_;
  }
  if (given(command_, "--encryption"))
    options.security.encryption = parse_stage("--encryption", encryption_);
  if (given(command_, "--cluster-name")) options.security.cluster_name = cluster_name_;
  for (const ConfigSetting& s : config_settings()) {
    const std::string flag(s.flag);
    if (!given(command_, flag)) continue;
    auto parsed = parse_setting_text(s, setting_text_.at(std::string(s.key)));
    if (auto* problem = std::get_if<std::string>(&parsed))
      throw OptionError(flag + ": " + *problem);
    options.settings[std::string(s.key)] = std::get<SettingValue>(parsed);
  }
}

}  // namespace convoy::app
