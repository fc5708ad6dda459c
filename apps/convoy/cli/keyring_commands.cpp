// `convoy keygen`, `convoy keyring` and its changes (install, use, remove, encryption). Keys and
// stages are checked here before the agent is asked (a typo is a usage error, exit 2), with the
// library's own public functions (<convoy/security.hpp>): the tool still changes nothing but
// through the agent's API. A key is sent only in a request body, never in a URL: `remove KEY`
// asks for the key's id, computed here.
#include "cli/commands.hpp"
#include "cli/table.hpp"

#include <convoy/security.hpp>

#include <iostream>

namespace convoy::app {
namespace {

/// The argument, or a line of standard input for "-".
std::string key_argument(const std::string& arg) {
  if (arg != "-") return arg;
  std::string line;
  if (!std::getline(std::cin, line))
    throw CliFailure(kExitUsage, "no key on standard input (KEY '-' reads one line)");
  return line;
}

std::string checked_key(const std::string& arg) {
  std::string key = key_argument(arg);
  if (!key_id(key))
    throw CliFailure(kExitUsage,
                     "not a key: a key is 32 bytes in 44 characters of base64 (`convoy keygen` "
                     "makes one)");
  return key;
}

/// The id named by a KEY_OR_ID argument (a key never leaves this process in a URL).
std::string checked_id(const std::string& arg) {
  const std::string text = key_argument(arg);
  if (is_key_id(text)) return text;
  if (auto id = key_id(text)) return *id;
  throw CliFailure(kExitUsage,
                   "neither a key id (8 hex digits; `convoy keyring` lists them) nor a key (44 "
                   "characters of base64)");
}

std::string keys_text(const nlohmann::json& body) {
  const auto keys = body.value("keys", nlohmann::json::array());
  if (keys.empty()) return "no keys";
  std::string out = "keys: ";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    out += keys[i].get<std::string>();
    if (i == 0) out += " (primary)";
  }
  return out;
}

nlohmann::json body_with(const char* field, const std::string& value) {
  nlohmann::json body;
  body[field] = value;
  return body;
}

/// Prints the agent's answer to a change: its JSON, or `done` and the keys it left.
void print_change(const CliContext& ctx, const Reply& reply, const std::string& done) {
  if (ctx.json)
    ctx.out << reply.body.dump() << '\n';
  else
    ctx.out << done << "; " << keys_text(reply.body) << '\n';
}

}  // namespace

void run_keygen(std::ostream& out) {
  out << generate_key() << '\n';
}

void run_keyring(const CliContext& ctx) {
  const Reply reply = expect_ok(ctx.client.get("/v1/keyring"));
  if (ctx.json) {
    ctx.out << reply.body.dump() << '\n';
    return;
  }
  const auto& b = reply.body;
  Table table({"KEY ID", ""});
  const auto keys = b.value("keys", nlohmann::json::array());
  for (std::size_t i = 0; i < keys.size(); ++i)
    table.row({keys[i].get<std::string>(), i == 0 ? "(primary)" : ""});
  if (table.empty())
    ctx.out << "no keys\n";
  else
    table.print(ctx.out);
  const auto file = b.find("keyring_file");
  ctx.out << "encryption:    " << b.value("encryption", "") << '\n'
          << "cluster name:  " << b.value("cluster_name", nlohmann::json("")).dump() << '\n'
          << "keyring file:  "
          << (file != b.end() && file->is_string()
                  ? file->get<std::string>()
                  : std::string("none (changes last until the agent stops)"))
          << '\n';
}

void run_keyring_install(const CliContext& ctx, const std::string& key) {
  const std::string checked = checked_key(key);
  const Reply reply =
      expect_ok(ctx.client.post("/v1/keyring/keys", body_with("key", checked).dump()));
  print_change(ctx, reply, "installed key " + *key_id(checked));
}

void run_keyring_use(const CliContext& ctx, const std::string& key_or_id) {
  const std::string id = checked_id(key_or_id);
  const Reply reply = expect_ok(
      ctx.client.put("/v1/keyring/primary", body_with("key", id).dump(), "application/json"));
  print_change(ctx, reply, "key " + id + " is the primary");
}

void run_keyring_remove(const CliContext& ctx, const std::string& key_or_id) {
  const std::string id = checked_id(key_or_id);
  const Reply reply = expect_ok(ctx.client.del("/v1/keyring/keys/" + url_encode(id)));
  print_change(ctx, reply, "removed key " + id);
}

void run_keyring_encryption(const CliContext& ctx, const std::string& stage) {
  const auto parsed = parse_encryption(stage);
  // Not quoted when long: that may be a key typed in the wrong place.
  if (!parsed)
    throw CliFailure(kExitUsage, "unknown encryption stage" +
                                     (stage.size() <= 32 ? " '" + stage + "'" : std::string()) +
                                     " (use off, accept_sealed, send_sealed or required)");
  const Reply reply = expect_ok(ctx.client.put(
      "/v1/keyring/encryption", body_with("encryption", std::string(to_string(*parsed))).dump(),
      "application/json"));
  print_change(ctx, reply, "encryption: " + reply.body.value("encryption", ""));
}

}  // namespace convoy::app
