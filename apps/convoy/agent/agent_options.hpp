// AgentOptions: everything `convoy agent` can be told, by flags or by its config file (flags
// win), before it is turned into the library's HostOptions. One struct, so the config file, the
// flags, the agent and docs/agent.md speak of the same settings.
#pragma once

#include "agent/config_settings.hpp"
#include "text/host_port.hpp"

#include <convoy/host_options.hpp>
#include <convoy/log.hpp>
#include <convoy/member_id.hpp>
#include <convoy/security.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace convoy::app {

/// The agent's gossip port when none is given (memberlist's and Serf's too).
inline constexpr std::uint16_t kDefaultGossipPort = 7946;
/// The HTTP API's port when none is given: next to the gossip port.
inline constexpr std::uint16_t kDefaultHttpPort = 7947;

enum class LogFormat : std::uint8_t { text, json };

/// Limits of the HTTP API (docs/agent.md, "Limits").
struct HttpLimits {
  /// Concurrent event streams (SSE); one more is refused with 503.
  std::size_t max_event_streams = 1024;
  /// Events one stream may hold for a slow client before it drops (and says so).
  std::size_t event_queue = 1024;
  /// Request bodies larger than this are refused with 413.
  std::size_t max_body_bytes = 256 * 1024;
  /// Connections served at once besides event streams (one thread each).
  std::size_t max_connections = 64;
};

/// The keyring and encryption as configured (--key, --keyring-file, --encryption, --cluster-name,
/// or the config file's [security]); agent_keyring.hpp decides what the member starts with.
struct AgentSecurity {
  /// Base64 keys, the first the primary. Never printed: logs and errors name key ids.
  std::vector<std::string> keys;
  /// Unset: required with keys, off without (a person who gives a key means "encrypt").
  std::optional<Encryption> encryption;
  std::string cluster_name;
  /// When given, the keyring lives in this file (read at start if it exists, rewritten after
  /// every change made through the API) and --key must not be given with an existing one.
  std::string keyring_file;
};

struct AgentOptions {
  HostPort bind{"0.0.0.0", kDefaultGossipPort};
  /// host or host:port; empty: chosen by the library (never a wildcard, never loopback unless
  /// bound to loopback).
  std::string advertise;
  std::vector<std::string> join;
  std::string data_dir;
  HostPort http{"127.0.0.1", kDefaultHttpPort};
  /// lan, wan or local: the preset the protocol settings start from.
  std::string profile = "lan";
  std::optional<MemberId> id;
  Durability durability = Durability::each_write;
  std::chrono::milliseconds join_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds leave_timeout = std::chrono::seconds(3);
  LogLevel log_level = LogLevel::info;
  LogFormat log_format = LogFormat::text;
  /// Initial keys of this member's store ("role" -> "web").
  std::map<std::string, std::string> tags;
  /// Protocol settings given explicitly, over the profile.
  SettingValues settings;
  HttpLimits http_limits;
  AgentSecurity security;
};

/// A flag or config file entry that cannot be used. what() is one line naming it.
class OptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The preset named by `profile`; throws OptionError for an unknown name.
[[nodiscard]] Config profile_config(const std::string& profile);

/// The protocol Config these options ask for (preset, then settings), validated: throws
/// OptionError naming the field and its flag when Config::validate() refuses it.
[[nodiscard]] Config build_config(const AgentOptions& options);

/// HostOptions for these options (log sink and security left empty: the agent sets them, the
/// keyring from AgentKeyring, which may have read it from a file).
[[nodiscard]] HostOptions to_host_options(const AgentOptions& options);

/// Parsers shared by the flags and the config file; each throws OptionError with `what` (a flag
/// or a key) at the front of its message.
[[nodiscard]] LogLevel parse_log_level(const std::string& what, const std::string& text);
[[nodiscard]] LogFormat parse_log_format(const std::string& what, const std::string& text);
[[nodiscard]] Durability parse_durability(const std::string& what, const std::string& text);
[[nodiscard]] HostPort parse_address(const std::string& what, const std::string& text,
                                     std::uint16_t default_port);
[[nodiscard]] MemberId parse_member_id(const std::string& what, const std::string& text);
[[nodiscard]] std::chrono::milliseconds parse_timeout(const std::string& what,
                                                      const std::string& text);
/// "role=web" -> {"role", "web"}.
[[nodiscard]] std::pair<std::string, std::string> parse_tag(const std::string& what,
                                                            const std::string& text);
void check_tag(const std::string& what, const std::string& key, const std::string& value);
/// "required", "send-sealed", ...
[[nodiscard]] Encryption parse_stage(const std::string& what, const std::string& text);
/// A key's id; throws OptionError (which never quotes the text: it may be a key) when `text` is
/// not a key.
[[nodiscard]] std::string parse_security_key(const std::string& what, const std::string& text);

}  // namespace convoy::app
