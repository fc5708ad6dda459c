// CLI registration and dispatch: see cli_commands.hpp.
#include "cli/cli_commands.hpp"

#include "cli/commands.hpp"

#include <functional>
#include <iostream>
#include <vector>

namespace convoy::app {

struct CliCommands::Args {
  std::string agent;
  bool json = false;
  std::string key, value, member, id, status;
  std::uint64_t expect = 0, epoch = 0;
  std::string search_key, search_value, search_prefix;
  bool members_only = false, keys_only = false;
  std::string watch_prefix;
  std::string key_or_id, stage;
  CLI::App* keygen = nullptr;
  std::vector<std::pair<CLI::App*, std::function<void(const CliContext&)>>> commands;
};

namespace {

template <typename T>
std::optional<T> if_given(const CLI::App* command, const std::string& flag, const T& value) {
  const CLI::Option* o = command->get_option_no_throw(flag);
  if (o == nullptr || o->count() == 0) return std::nullopt;
  return value;
}

}  // namespace

CliCommands::CliCommands(CLI::App& parent) : args_(std::make_unique<Args>()) {
  Args& a = *args_;
  auto add_under = [&a](CLI::App& under, const std::string& name, const std::string& help,
                        std::function<void(CLI::App*, const CliContext&)> body) -> CLI::App* {
    CLI::App* c = under.add_subcommand(name, help);
    c->add_option("--agent", a.agent,
                  "Agent to talk to, host:port (default $CONVOY_AGENT or 127.0.0.1:7947)");
    c->add_flag("--json", a.json, "Print the agent's JSON instead of a table");
    a.commands.emplace_back(c, [c, body](const CliContext& ctx) { body(c, ctx); });
    return c;
  };
  auto add = [&](const std::string& name, const std::string& help,
                 std::function<void(CLI::App*, const CliContext&)> body) {
    return add_under(parent, name, help, std::move(body));
  };
  auto target = [&a](const CLI::App* c) {
    return KeyTarget{a.key, if_given(c, "--member", a.member)};
  };
  auto cas = [&a](const CLI::App* c) {
    return CasArgs{if_given(c, "--expect", a.expect), if_given(c, "--epoch", a.epoch)};
  };
  auto add_cas = [&a](CLI::App* c) {
    c->add_option("--expect", a.expect,
                  "Compare-and-set: write only if the key is at this version (0: absent)");
    c->add_option("--epoch", a.epoch, "With --expect: the store epoch that version belongs to");
  };

  CLI::App* c = add("members", "List the members the agent knows",
                    [&a](const CLI::App*, const CliContext& ctx) { run_members(ctx, a.status); });
  c->add_option("--status", a.status, "Only these statuses, e.g. alive,suspect");

  c = add("get", "Read a key of the agent's store, or of --member's",
          [target](const CLI::App* self, const CliContext& ctx) { run_get(ctx, target(self)); });
  c->add_option("KEY", a.key, "The key")->required();
  c->add_option("--member", a.member, "Member id (or a unique prefix) whose store to read");

  c = add("put", "Write a key of the agent's store, or of --member's (a request to its owner)",
          [&a, target, cas](const CLI::App* self, const CliContext& ctx) {
            run_put(ctx, target(self), a.value, cas(self));
          });
  c->add_option("KEY", a.key, "The key")->required();
  c->add_option("VALUE", a.value, "The value")->required();
  c->add_option("--member", a.member, "Member id (or a unique prefix) whose store to write");
  add_cas(c);

  c = add("del", "Delete a key of the agent's store, or of --member's",
          [target, cas](const CLI::App* self, const CliContext& ctx) {
            run_del(ctx, target(self), cas(self));
          });
  c->add_option("KEY", a.key, "The key")->required();
  c->add_option("--member", a.member, "Member id (or a unique prefix) whose store to write");
  add_cas(c);

  c = add("search", "Find items of every member by key, value or key prefix",
          [&a](const CLI::App* self, const CliContext& ctx) {
            run_search(ctx, SearchArgs{if_given(self, "--key", a.search_key),
                                       if_given(self, "--value", a.search_value),
                                       if_given(self, "--prefix", a.search_prefix)});
          });
  c->add_option("--key", a.search_key, "Items with exactly this key");
  c->add_option("--value", a.search_value, "Items with exactly this value");
  c->add_option("--prefix", a.search_prefix, "Items whose key starts with this");

  c = add("watch", "Print membership and key changes as they happen (Ctrl-C to stop)",
          [&a](const CLI::App* self, const CliContext& ctx) {
            run_watch(ctx,
                      WatchArgs{!a.keys_only, !a.members_only, if_given(self, "--member", a.member),
                                if_given(self, "--prefix", a.watch_prefix)});
          });
  c->add_flag("--members-only", a.members_only, "Only membership changes");
  c->add_flag("--keys-only", a.keys_only, "Only key changes");
  c->add_option("--member", a.member, "Only events about this member");
  c->add_option("--prefix", a.watch_prefix, "Only keys starting with this");

  c = add("evict", "Remove a member from the cluster for good",
          [&a](const CLI::App*, const CliContext& ctx) { run_member_action(ctx, a.id, "evict"); });
  c->add_option("ID", a.id, "Member id or unique prefix")->required();
  c = add("fail", "Declare a member failed (an alive one rejoins with a higher incarnation)",
          [&a](const CLI::App*, const CliContext& ctx) { run_member_action(ctx, a.id, "fail"); });
  c->add_option("ID", a.id, "Member id or unique prefix")->required();

  add("health", "Show the agent's member, its health score and member counts",
      [](const CLI::App*, const CliContext& ctx) { run_health(ctx); });

  // Needs no agent: run() serves it before making a client.
  a.keygen = parent.add_subcommand("keygen", "Print a fresh encryption key (base64)");

  // `convoy keyring` lists; its subcommands change the keyring (the agent then rewrites its
  // keyring file, if it has one).
  CLI::App* keyring =
      add("keyring", "Show the agent's keyring: key ids, encryption stage, cluster name",
          [](const CLI::App* self, const CliContext& ctx) {
            if (self->get_subcommands().empty()) run_keyring(ctx);
          });
  c = add_under(
      *keyring, "install", "Install a key (base64; '-' reads it from stdin)",
      [&a](const CLI::App*, const CliContext& ctx) { run_keyring_install(ctx, a.key_or_id); });
  c->add_option("KEY", a.key_or_id, "The key")->required();
  c = add_under(
      *keyring, "use", "Seal with an installed key from now on (make it the primary)",
      [&a](const CLI::App*, const CliContext& ctx) { run_keyring_use(ctx, a.key_or_id); });
  c->add_option("KEY_OR_ID", a.key_or_id, "The key or its id")->required();
  c = add_under(
      *keyring, "remove", "Remove an installed key other than the primary",
      [&a](const CLI::App*, const CliContext& ctx) { run_keyring_remove(ctx, a.key_or_id); });
  c->add_option("KEY_OR_ID", a.key_or_id, "The key or its id")->required();
  c = add_under(
      *keyring, "encryption",
      "Move to an encryption stage: off, accept_sealed, send_sealed, required",
      [&a](const CLI::App*, const CliContext& ctx) { run_keyring_encryption(ctx, a.stage); });
  c->add_option("STAGE", a.stage, "off, accept_sealed, send_sealed or required")->required();
}

CliCommands::~CliCommands() = default;

bool CliCommands::selected() const {
  if (args_->keygen->parsed()) return true;
  for (const auto& [command, body] : args_->commands)
    if (command->parsed()) return true;
  return false;
}

int CliCommands::run() {
  Args& a = *args_;
  if (a.keygen->parsed()) {
    run_keygen(std::cout);
    return kExitOk;
  }
  try {
    if (a.members_only && a.keys_only)
      throw CliFailure(kExitUsage, "--members-only and --keys-only exclude each other");
    AgentClient client(a.agent.empty() ? AgentClient::default_address() : a.agent);
    CliContext ctx{client, a.json, std::cout};
    for (const auto& [command, body] : a.commands)
      if (command->parsed()) body(ctx);
    return kExitOk;
  } catch (const CliFailure& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return e.status();
  } catch (const ClientError& e) {
    std::cerr << "convoy: " << e.what() << std::endl;
    return kExitError;
  }
}

}  // namespace convoy::app
