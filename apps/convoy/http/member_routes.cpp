// Member routes: see member_routes.hpp.
#include "http/member_routes.hpp"

#include "http/api_response.hpp"
#include "http/request_args.hpp"

#include <convoy/member_status.hpp>

#include <set>

namespace convoy::app {
namespace {

/// ?status=alive,suspect -> the statuses asked for; all when absent.
std::set<MemberStatus> status_filter(const HttpRequest& req) {
  std::set<MemberStatus> wanted;
  auto text = query_text(req, "status");
  if (!text) return wanted;
  std::size_t start = 0;
  while (start <= text->size()) {
    auto comma = text->find(',', start);
    if (comma == std::string::npos) comma = text->size();
    const std::string name = text->substr(start, comma - start);
    bool found = false;
    for (MemberStatus s : {MemberStatus::alive, MemberStatus::suspect, MemberStatus::dead,
                           MemberStatus::left, MemberStatus::evicted}) {
      if (to_string(s) == name) {
        wanted.insert(s);
        found = true;
      }
    }
    if (!found)
      throw ApiError(400, "bad_request",
                     "bad status '" + name + "' (use alive, suspect, dead, left or evicted)",
                     Json{{"parameter", "status"}});
    start = comma + 1;
  }
  return wanted;
}

Json store_of(const ApiContext& ctx, const MemberId& id) {
  Json store = Json::object();
  for (const auto& e : ctx.host().directory().items(id)) store[e.key] = item_json(e.item);
  return store;
}

/// POST /v1/members/{id}/{action}: evict or fail.
void action_route(Router& router, ApiContext& ctx, const std::string& action) {
  router.post("/v1/members/{id}/" + action,
              guarded([&ctx, action](const HttpRequest& req, HttpResponse& res) {
                const MemberId id = resolve_member(ctx.host(), req.matches[1]);
                const bool known = action == "evict" ? ctx.host().evict(id) : ctx.host().fail(id);
                if (!known)
                  throw ApiError(404, "unknown_member",
                                 "no member " + id.to_string() + " is known here",
                                 Json{{"member", id.to_string()}});
                Json body;
                body["member"] = id.to_string();
                body["action"] = action;
                body["done"] = true;
                reply_json(res, 200, body);
              }));
}

}  // namespace

void add_member_routes(Router& router, ApiContext& ctx) {
  router.get("/v1/members", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const auto wanted = status_filter(req);
               const MemberId self = ctx.host().id();
               Json members = Json::array();
               for (const Member& m : ctx.host().directory().known())
                 if (wanted.empty() || wanted.count(m.status) > 0)
                   members.push_back(member_json(m, self));
               Json body;
               body["self"] = self.to_string();
               body["members"] = std::move(members);
               reply_json(res, 200, body);
             }));
  router.get("/v1/members/{id}", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const MemberId id = resolve_member(ctx.host(), req.matches[1]);
               auto info = id == ctx.host().id() ? std::optional<Member>(ctx.host().self())
                                                 : ctx.host().directory().member(id).info();
               if (!info)
                 throw ApiError(404, "unknown_member",
                                "no member " + id.to_string() + " is known here",
                                Json{{"member", id.to_string()}});
               Json body = member_json(*info, ctx.host().id());
               body["store"] = store_of(ctx, id);
               reply_json(res, 200, body);
             }));
  action_route(router, ctx, "evict");
  action_route(router, ctx, "fail");
}

}  // namespace convoy::app
