// The CLI's commands, each a function of the agent's HTTP API (docs/agent.md, "Command line").
// They print a table (or, with --json, the agent's JSON) and throw CliFailure to exit non-zero.
#pragma once

#include "cli/cli_context.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace convoy::app {

/// Where a key lives: this agent's own store, or member `member`'s (an id or unique prefix).
struct KeyTarget {
  std::string key;
  std::optional<std::string> member;
};

struct CasArgs {
  std::optional<std::uint64_t> expect;
  std::optional<std::uint64_t> epoch;
};

struct SearchArgs {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::optional<std::string> prefix;
};

struct WatchArgs {
  bool members = true;
  bool keys = true;
  std::optional<std::string> member;
  std::optional<std::string> prefix;
};

void run_members(const CliContext& ctx, const std::string& status);
void run_member_action(const CliContext& ctx, const std::string& id, const std::string& action);
void run_health(const CliContext& ctx);

void run_get(const CliContext& ctx, const KeyTarget& target);
void run_put(const CliContext& ctx, const KeyTarget& target, const std::string& value,
             const CasArgs& cas);
void run_del(const CliContext& ctx, const KeyTarget& target, const CasArgs& cas);
void run_search(const CliContext& ctx, const SearchArgs& args);

/// `convoy keygen`: a fresh key on `out` (no agent needed).
void run_keygen(std::ostream& out);
/// `convoy keyring` and its changes. A KEY argument of "-" is read from standard input (a key
/// on the command line shows in ps and in the shell's history).
void run_keyring(const CliContext& ctx);
void run_keyring_install(const CliContext& ctx, const std::string& key);
void run_keyring_use(const CliContext& ctx, const std::string& key_or_id);
void run_keyring_remove(const CliContext& ctx, const std::string& key_or_id);
void run_keyring_encryption(const CliContext& ctx, const std::string& stage);

/// Prints events until Ctrl-C; throws CliFailure when the agent ends the stream.
void run_watch(const CliContext& ctx, const WatchArgs& args);

}  // namespace convoy::app
