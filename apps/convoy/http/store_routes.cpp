// Store routes: see store_routes.hpp.
#include "http/store_routes.hpp"

#include "http/api_response.hpp"
#include "http/request_args.hpp"

#include <convoy/member_status.hpp>

namespace convoy::app {
namespace {

// Keys are the rest of the path, percent-decoded: "a/b" and "a%2Fb" are one key.
// A key may hold any byte, a line feed or a '/' too: it is the rest of the path.
constexpr const char* kOwnKey = "/v1/store/{key...}";
constexpr const char* kMemberStore = "/v1/members/{id}/store";
constexpr const char* kMemberKey = "/v1/members/{id}/store/{key...}";

Json store_json(const std::map<std::string, Item>& items) {
  Json store = Json::object();
  for (const auto& [key, item] : items) store[key] = item_json(item);
  return store;
}

Json store_json(const std::vector<DirectoryEntry>& entries) {
  Json store = Json::object();
  for (const auto& e : entries) store[e.key] = item_json(e.item);
  return store;
}

std::string expected_text(const std::optional<Expectation>& expected) {
  if (!expected) return "nothing";
  std::string text = "version " + std::to_string(expected->version);
  if (expected->epoch != 0) text += " of epoch " + std::to_string(expected->epoch);
  return text;
}

/// Answers a write's outcome. `remote`: the write went to another member (failed means the
/// owner is down or refused; unknown means no answer in time).
void reply_write(HttpResponse& res, const ApiContext& ctx, const MemberId& owner,
                 const std::string& key, const std::optional<Expectation>& expected,
                 const WriteResult& result, bool remote) {
  Json body;
  body["status"] = to_string(result.status);
  body["member"] = owner.to_string();
  body["key"] = key;
  switch (result.status) {
    case WriteStatus::done:
      body["item"] = item_json(result.item);
      reply_json(res, 200, body);
      return;
    case WriteStatus::conflict: {
      body["item"] = item_json(result.item);
      const std::string held = result.item.version == 0 || result.item.deleted
                                   ? "the key holds nothing"
                                   : "the key holds version " +
                                         std::to_string(result.item.version) + " of epoch " +
                                         std::to_string(result.item.epoch);
      reply_error(res, 409, "conflict",
                  "version conflict: expected " + expected_text(expected) + "; " + held, body);
      return;
    }
    case WriteStatus::failed: {
      body["reason"] = result.error;
      if (!ctx.host().running()) {
        reply_error(res, 503, "not_running", "this agent's member is not running", body);
      } else if (remote) {
        reply_error(res, 503, "owner_unavailable",
                    "the write failed: " + result.error + " (nothing was written)", body);
      } else {
        reply_error(res, 400, "refused", "the store refused the write: " + result.error, body);
      }
      return;
    }
    case WriteStatus::unknown:
      body["reason"] = result.error;
      reply_error(res, 503, "outcome_unknown",
                  "the owner did not answer in time; the write may or may not have been "
                  "applied (read the key, then retry with ?expect=)",
                  body);
      return;
  }
}

void own_key_routes(Router& router, ApiContext& ctx) {
  router.get("/v1/store", guarded([&ctx](const HttpRequest&, HttpResponse& res) {
               Json body;
               body["member"] = ctx.host().id().to_string();
               body["store"] = store_json(ctx.host().store().items());
               reply_json(res, 200, body);
             }));
  router.get(kOwnKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string key = req.matches[1];
               check_key(key, ctx.config.store.max_key_bytes);
               auto item = ctx.host().store().get(key);
               if (!item)
                 throw ApiError(404, "no_such_key", "no key '" + key + "' in this member's store",
                                Json{{"member", ctx.host().id().to_string()}, {"key", key}});
               Json body;
               body["member"] = ctx.host().id().to_string();
               body["key"] = key;
               body["item"] = item_json(*item);
               reply_json(res, 200, body);
             }));
  router.put(kOwnKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string key = req.matches[1];
               check_key(key, ctx.config.store.max_key_bytes);
               WriteRequest write = parse_write(req);
               check_value(write.value, ctx.config.store.max_value_bytes);
               reply_write(res, ctx, ctx.host().id(), key, write.expected,
                           ctx.host().store().put(key, write.value, write.expected), false);
             }));
  router.del(kOwnKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string key = req.matches[1];
               check_key(key, ctx.config.store.max_key_bytes);
               auto expected = query_expectation(req);
               reply_write(res, ctx, ctx.host().id(), key, expected,
                           ctx.host().store().erase(key, expected), false);
             }));
}

void member_key_routes(Router& router, ApiContext& ctx) {
  router.get(kMemberStore, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const MemberId id = resolve_member(ctx.host(), req.matches[1]);
               Json body;
               body["member"] = id.to_string();
               body["store"] = store_json(ctx.host().directory().items(id));
               reply_json(res, 200, body);
             }));
  router.get(kMemberKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const MemberId id = resolve_member(ctx.host(), req.matches[1]);
               const std::string key = req.matches[2];
               check_key(key, ctx.config.store.max_key_bytes);
               auto item = ctx.host().directory().value(id, key);
               if (!item)
                 throw ApiError(404, "no_such_key",
                                "no key '" + key + "' in member " + id.to_string() + "'s store",
                                Json{{"member", id.to_string()}, {"key", key}});
               Json body;
               body["member"] = id.to_string();
               body["key"] = key;
               body["item"] = item_json(*item);
               reply_json(res, 200, body);
             }));
  router.put(kMemberKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const MemberId id = resolve_member(ctx.host(), req.matches[1]);
               const std::string key = req.matches[2];
               check_key(key, ctx.config.store.max_key_bytes);
               WriteRequest write = parse_write(req);
               check_value(write.value, ctx.config.store.max_value_bytes);
               MemberStore store = ctx.host().directory().member(id).store();
               reply_write(res, ctx, id, key, write.expected,
                           store.put(key, write.value, write.expected), id != ctx.host().id());
             }));
  router.del(kMemberKey, guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const MemberId id = resolve_member(ctx.host(), req.matches[1]);
               const std::string key = req.matches[2];
               check_key(key, ctx.config.store.max_key_bytes);
               auto expected = query_expectation(req);
               MemberStore store = ctx.host().directory().member(id).store();
               reply_write(res, ctx, id, key, expected, store.erase(key, expected),
                           id != ctx.host().id());
             }));
}

}  // namespace

void add_store_routes(Router& router, ApiContext& context) {
  own_key_routes(router, context);
  member_key_routes(router, context);
}

}  // namespace convoy::app
