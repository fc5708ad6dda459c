// The agent's TOML config file: see config_file.hpp.
#include "agent/config_file.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>

namespace convoy::app {
namespace {

/// Where a node is, for messages: "agent.toml:7".
class Locator {
 public:
  explicit Locator(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] std::string at(const toml::node& node) const {
    const auto& src = node.source();
    if (src.begin.line == 0) return path_;
    return path_ + ":" + std::to_string(src.begin.line);
  }
  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& problem) const {
    throw OptionError(at(node) + ": " + key + ": " + problem);
  }

 private:
  std::string path_;
};

std::string string_value(const Locator& loc, const toml::node& node, const std::string& key) {
  if (auto s = node.value_exact<std::string>()) return *s;
  loc.fail(node, key, "expected a string");
}

std::uint64_t count_value(const Locator& loc, const toml::node& node, const std::string& key) {
  if (auto i = node.value_exact<std::int64_t>()) {
    if (*i < 0) loc.fail(node, key, "must not be negative");
    return static_cast<std::uint64_t>(*i);
  }
  loc.fail(node, key, "expected an integer");
}

double number_value(const Locator& loc, const toml::node& node, const std::string& key) {
  if (auto i = node.value_exact<std::int64_t>()) return static_cast<double>(*i);
  if (auto d = node.value_exact<double>()) {
    if (!std::isfinite(*d)) loc.fail(node, key, "must be a finite number");
    return *d;
  }
  loc.fail(node, key, "expected a number");
}

/// Runs `fn` with the message prefixed by the node's place when it throws OptionError.
void located(const Locator& loc, const toml::node& node, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const OptionError& e) {
    throw OptionError(loc.at(node) + ": " + e.what());
  }
}

void read_setting(const Locator& loc, const ConfigSetting& s, const toml::node& node,
                  AgentOptions& out) {
  const std::string key(s.key);
  switch (s.kind) {
    case SettingKind::duration: {
      auto parsed = parse_setting_text(s, string_value(loc, node, key));
      if (auto* problem = std::get_if<std::string>(&parsed)) loc.fail(node, key, *problem);
      out.settings[key] = std::get<SettingValue>(parsed);
      return;
    }
    case SettingKind::count:
      out.settings[key] = SettingValue{count_value(loc, node, key)};
      return;
    case SettingKind::ratio:
      out.settings[key] = SettingValue{number_value(loc, node, key)};
      return;
  }
}

void read_protocol_table(const Locator& loc, const std::string& section, const toml::table& table,
                         AgentOptions& out) {
  for (auto&& [k, node] : table) {
    const std::string key = section + "." + std::string(k.str());
    const ConfigSetting* s = find_config_setting(key);
    if (!s) loc.fail(node, key, "unknown key");
    read_setting(loc, *s, node, out);
  }
}

std::size_t positive_size(const Locator& loc, const toml::node& node, const std::string& key) {
  const auto v = count_value(loc, node, key);
  if (v == 0) loc.fail(node, key, "must be > 0");
  return static_cast<std::size_t>(v);
}

void read_http_table(const Locator& loc, const toml::table& table, AgentOptions& out) {
  for (auto&& [k, bound] : table) {
    // Lambdas below use the node: clang before 16 refuses to capture a structured binding.
    const toml::node& node = bound;
    const std::string key = "http." + std::string(k.str());
    if (key == "http.address")
      located(loc, node, [&] {
        out.http = parse_address(key, string_value(loc, node, key), kDefaultHttpPort);
      });
    else if (key == "http.max_event_streams")
      out.http_limits.max_event_streams = positive_size(loc, node, key);
    else if (key == "http.event_queue")
      out.http_limits.event_queue = positive_size(loc, node, key);
    else if (key == "http.max_body_bytes")
      out.http_limits.max_body_bytes = positive_size(loc, node, key);
    else if (key == "http.max_connections")
      out.http_limits.max_connections = positive_size(loc, node, key);
    else
      loc.fail(node, key, "unknown key");
  }
}

void read_log_table(const Locator& loc, const toml::table& table, AgentOptions& out) {
  for (auto&& [k, bound] : table) {
    // Lambdas below use the node: clang before 16 refuses to capture a structured binding.
    const toml::node& node = bound;
    const std::string key = "log." + std::string(k.str());
    if (key == "log.level")
      located(loc, node,
              [&] { out.log_level = parse_log_level(key, string_value(loc, node, key)); });
    else if (key == "log.format")
      located(loc, node,
              [&] { out.log_format = parse_log_format(key, string_value(loc, node, key)); });
    else
      loc.fail(node, key, "unknown key");
  }
}

void read_tags_table(const Locator& loc, const toml::table& table, AgentOptions& out) {
  for (auto&& [k, node] : table) {
    const std::string key(k.str());
    const std::string value = string_value(loc, node, "tags." + key);
    located(loc, node, [&] { check_tag("tags." + key, key, value); });
    out.tags[key] = value;
  }
}

void read_security_table(const Locator& loc, const toml::table& table, AgentOptions& out) {
  for (auto&& [k, bound] : table) {
    // Lambdas below use the node: clang before 16 refuses to capture a structured binding.
    const toml::node& node = bound;
    const std::string key = "security." + std::string(k.str());
    if (key == "security.keys") {
      const auto* array = node.as_array();
      if (!array) loc.fail(node, key, "expected an array of base64 keys");
      out.security.keys.clear();
      for (const auto& entry : *array) {
        const std::string text = string_value(loc, entry, key);
        located(loc, entry, [&] { (void)parse_security_key(key, text); });
        out.security.keys.push_back(text);
      }
    } else if (key == "security.encryption") {
      located(loc, node,
              [&] { out.security.encryption = parse_stage(key, string_value(loc, node, key)); });
    } else if (key == "security.cluster_name") {
      out.security.cluster_name = string_value(loc, node, key);
    } else if (key == "security.keyring_file") {
      out.security.keyring_file = string_value(loc, node, key);
      if (out.security.keyring_file.empty()) loc.fail(node, key, "the path is empty");
    } else {
      loc.fail(node, key, "unknown key");
    }
  }
}

const toml::table& table_value(const Locator& loc, const toml::node& node, const std::string& key) {
  if (const auto* t = node.as_table()) return *t;
  loc.fail(node, key, "expected a table ([" + key + "])");
}

void read_top_level(const Locator& loc, const toml::table& root, AgentOptions& out) {
  for (auto&& [k, bound] : root) {
    // Lambdas below use the node: clang before 16 refuses to capture a structured binding.
    const toml::node& node = bound;
    const std::string key(k.str());
    if (key == "protocol" || key == "dissemination" || key == "store" || key == "network") {
      read_protocol_table(loc, key, table_value(loc, node, key), out);
    } else if (key == "http") {
      read_http_table(loc, table_value(loc, node, key), out);
    } else if (key == "log") {
      read_log_table(loc, table_value(loc, node, key), out);
    } else if (key == "tags") {
      read_tags_table(loc, table_value(loc, node, key), out);
    } else if (key == "security") {
      read_security_table(loc, table_value(loc, node, key), out);
    } else if (key == "bind") {
      located(loc, node, [&] {
        out.bind = parse_address(key, string_value(loc, node, key), kDefaultGossipPort);
      });
    } else if (key == "advertise") {
      out.advertise = string_value(loc, node, key);
    } else if (key == "join") {
      const auto* array = node.as_array();
      if (!array) loc.fail(node, key, "expected an array of \"host:port\" strings");
      out.join.clear();
      for (const auto& seed : *array) out.join.push_back(string_value(loc, seed, key));
    } else if (key == "data_dir") {
      out.data_dir = string_value(loc, node, key);
    } else if (key == "profile") {
      out.profile = string_value(loc, node, key);
      located(loc, node, [&] { (void)profile_config(out.profile); });
    } else if (key == "id") {
      located(loc, node, [&] { out.id = parse_member_id(key, string_value(loc, node, key)); });
    } else if (key == "durability") {
      located(loc, node,
              [&] { out.durability = parse_durability(key, string_value(loc, node, key)); });
    } else if (key == "join_timeout") {
      located(loc, node,
              [&] { out.join_timeout = parse_timeout(key, string_value(loc, node, key)); });
    } else if (key == "leave_timeout") {
      located(loc, node,
              [&] { out.leave_timeout = parse_timeout(key, string_value(loc, node, key)); });
    } else {
      loc.fail(node, key, "unknown key");
    }
  }
}

}  // namespace

void load_config_file(const std::string& path, AgentOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw OptionError(path + ": is a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OptionError(path + ": cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw OptionError(path + ": cannot read the config file");

  toml::table root;
  try {
    root = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    std::string line = path;
    if (e.source().begin.line > 0) line += ":" + std::to_string(e.source().begin.line);
    // toml++'s descriptions are one sentence; keep the message on one line regardless.
    std::string description(e.description());
    for (char& c : description)
      if (c == '\n') c = ' ';
    throw OptionError(line + ": " + description);
  }
  read_top_level(Locator(path), root, options);
}

}  // namespace convoy::app
