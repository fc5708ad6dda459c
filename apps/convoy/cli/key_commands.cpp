// `convoy get`, `convoy put`, `convoy del`, `convoy search`.
#include "cli/commands.hpp"
#include "cli/table.hpp"

namespace convoy::app {
namespace {

std::string key_path(const KeyTarget& t) {
  if (t.member) return "/v1/members/" + url_encode(*t.member) + "/store/" + url_encode(t.key);
  return "/v1/store/" + url_encode(t.key);
}

std::string cas_query(const CasArgs& cas) {
  if (cas.epoch && !cas.expect) throw CliFailure(kExitUsage, "--epoch needs --expect");
  if (!cas.expect) return "";
  std::string q = "?expect=" + std::to_string(*cas.expect);
  if (cas.epoch) q += "&epoch=" + std::to_string(*cas.epoch);
  return q;
}

std::string num(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  return it == j.end() ? "" : it->dump();
}

void print_item(const CliContext& ctx, const nlohmann::json& body) {
  const auto item = body.value("item", nlohmann::json::object());
  Table table({"MEMBER", "KEY", "VERSION", "EPOCH", "VALUE"});
  table.row({body.value("member", ""), cell(body.value("key", "")), num(item, "version"),
             num(item, "epoch"),
             item.value("deleted", false) ? "(deleted)" : cell(item.value("value", ""))});
  table.print(ctx.out);
}

}  // namespace

void run_get(const CliContext& ctx, const KeyTarget& target) {
  const Reply reply = expect_ok(ctx.client.get(key_path(target)));
  if (ctx.json)
    ctx.out << reply.body.dump() << '\n';
  else
    print_item(ctx, reply.body);
}

void run_put(const CliContext& ctx, const KeyTarget& target, const std::string& value,
             const CasArgs& cas) {
  const Reply reply = expect_ok(ctx.client.put(key_path(target) + cas_query(cas), value));
  if (ctx.json)
    ctx.out << reply.body.dump() << '\n';
  else
    print_item(ctx, reply.body);
}

void run_del(const CliContext& ctx, const KeyTarget& target, const CasArgs& cas) {
  const Reply reply = expect_ok(ctx.client.del(key_path(target) + cas_query(cas)));
  if (ctx.json)
    ctx.out << reply.body.dump() << '\n';
  else
    print_item(ctx, reply.body);
}

void run_search(const CliContext& ctx, const SearchArgs& args) {
  std::string query;
  auto add = [&](const char* name, const std::optional<std::string>& v) {
    if (!v) return;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + url_encode(*v);
  };
  add("key", args.key);
  add("value", args.value);
  add("prefix", args.prefix);
  if (query.empty())
    throw CliFailure(kExitUsage, "say what to search for: --key, --value or --prefix");
  const Reply reply = expect_ok(ctx.client.get("/v1/search" + query));
  if (ctx.json) {
    ctx.out << reply.body.dump() << '\n';
    return;
  }
  Table table({"MEMBER", "KEY", "VERSION", "VALUE"});
  for (const auto& e : reply.body.value("entries", nlohmann::json::array()))
    table.row({e.value("member", ""), cell(e.value("key", "")), num(e, "version"),
               cell(e.value("value", ""))});
  table.print(ctx.out);
  if (reply.body.value("truncated", false)) ctx.out << "(more matches not shown)\n";
}

}  // namespace convoy::app
