// Search route: see search_routes.hpp.
#include "http/search_routes.hpp"

#include "http/api_response.hpp"
#include "http/request_args.hpp"

namespace convoy::app {
namespace {

constexpr std::uint64_t kDefaultLimit = 1000;
constexpr std::uint64_t kMaxLimit = 100000;

}  // namespace

void add_search_routes(Router& router, ApiContext& ctx) {
  router.get("/v1/search", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const auto key = query_text(req, "key");
               const auto value = query_text(req, "value");
               const auto prefix = query_text(req, "prefix");
               const auto limit = query_uint(req, "limit").value_or(kDefaultLimit);
               if (!key && !value && !prefix)
                 throw ApiError(400, "bad_request",
                                "say what to search for: ?key=, ?value= or ?prefix= (or several)");
               if (limit == 0 || limit > kMaxLimit)
                 throw ApiError(400, "bad_request",
                                "limit must be between 1 and " + std::to_string(kMaxLimit),
                                Json{{"parameter", "limit"}});
               // The narrowest index first, then the other conditions as a filter.
               const Directory& dir = ctx.host().directory();
               std::vector<DirectoryEntry> found = key     ? dir.find_by_key(*key)
                                                   : value ? dir.find_by_value(*value)
                                                           : dir.find_by_prefix(*prefix);
               Json entries = Json::array();
               bool truncated = false;
               for (const auto& e : found) {
                 if (value && e.item.value != *value) continue;
                 if (prefix && !e.key.starts_with(*prefix)) continue;
                 if (entries.size() >= limit) {
                   truncated = true;
                   break;
                 }
                 entries.push_back(entry_json(e));
               }
               Json body;
               body["entries"] = std::move(entries);
               body["truncated"] = truncated;
               reply_json(res, 200, body);
             }));
}

}  // namespace convoy::app
