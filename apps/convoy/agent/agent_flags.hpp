// The `convoy agent` command line: its flags, registered on the subcommand, then applied over
// the config file's settings (flags win). Values are kept as text until apply(), so every bad
// value is reported by one parser with the flag's name in front.
#pragma once

#include "agent/agent_options.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace convoy::app {

class AgentFlags {
 public:
  explicit AgentFlags(CLI::App& command);

  /// The --config file, if given.
  [[nodiscard]] const std::string& config_path() const { return config_path_; }
  /// Applies every flag that was given over `options`. Throws OptionError.
  void apply(AgentOptions& options) const;

 private:
  CLI::App& command_;
  std::string config_path_;
  std::string bind_, advertise_, data_dir_, http_, profile_, id_, durability_;
  std::string join_timeout_, leave_timeout_, log_level_, log_format_;
  std::string keyring_file_, encryption_, cluster_name_;
  std::vector<std::string> join_, tags_, keys_;
  std::size_t max_event_streams_ = 0;
  std::map<std::string, std::string> setting_text_;  // key -> the flag's text
};

}  // namespace convoy::app
