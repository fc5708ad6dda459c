// `convoy members`, `convoy evict`, `convoy fail`, `convoy health`.
#include "cli/commands.hpp"
#include "cli/table.hpp"

namespace convoy::app {

Reply expect_ok(Reply reply) {
  if (reply.ok()) return reply;
  std::string code;
  if (reply.body.is_object() && reply.body.contains("code") && reply.body["code"].is_string())
    code = reply.body["code"].get<std::string>();
  int status = kExitError;
  if (reply.status == 409) status = kExitConflict;
  if (code == "no_such_key") status = kExitNotFound;
  throw CliFailure(status, reply.error());
}

namespace {

std::string text_of(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

void run_members(const CliContext& ctx, const std::string& status) {
  std::string path = "/v1/members";
  if (!status.empty()) path += "?status=" + url_encode(status);
  const Reply reply = expect_ok(ctx.client.get(path));
  if (ctx.json) {
    ctx.out << reply.body.dump() << '\n';
    return;
  }
  Table table({"ID", "STATUS", "INCARNATION", "ADDRESS", ""});
  for (const auto& m : reply.body.value("members", nlohmann::json::array()))
    table.row({text_of(m, "id"), text_of(m, "status"), text_of(m, "incarnation"),
               text_of(m, "address"), m.value("self", false) ? "(this agent)" : ""});
  table.print(ctx.out);
}

void run_member_action(const CliContext& ctx, const std::string& id, const std::string& action) {
  const Reply& reply =
      expect_ok(ctx.client.post("/v1/members/" + url_encode(id) + "/" + url_encode(action)));
  if (ctx.json) {
    ctx.out << reply.body.dump() << '\n';
    return;
  }
  const std::string member = text_of(reply.body, "member");
  ctx.out << (action == "evict" ? "evicted " : "declared failed: ") << member << '\n';
}

void run_health(const CliContext& ctx) {
  const Reply reply = ctx.client.get("/v1/health");
  if (reply.status != 200 && reply.status != 503) (void)expect_ok(reply);
  if (ctx.json) {
    ctx.out << reply.body.dump() << '\n';
  } else {
    const auto& b = reply.body;
    const auto member = b.value("member", nlohmann::json::object());
    const auto members = b.value("members", nlohmann::json::object());
    ctx.out << "status:        " << text_of(b, "status") << '\n'
            << "member:        " << text_of(member, "id") << '\n'
            << "address:       " << text_of(member, "address") << '\n'
            << "incarnation:   " << text_of(member, "incarnation") << '\n'
            << "health score:  " << text_of(b, "health_score") << '\n'
            << "members:       " << text_of(members, "alive") << " alive, "
            << text_of(members, "suspect") << " suspect, " << text_of(members, "dead") << " dead, "
            << text_of(members, "left") << " left\n";
  }
  if (reply.status != 200) throw CliFailure(kExitError, "the agent's member is not running");
}

}  // namespace convoy::app
