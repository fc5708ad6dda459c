// Keyring routes: see keyring_routes.hpp.
#include "http/keyring_routes.hpp"

#include "http/api_response.hpp"

#include <convoy/error.hpp>
#include <convoy/security.hpp>

#include <functional>
#include <string_view>

namespace convoy::app {
namespace {

constexpr std::string_view kKeysPath = "/v1/keyring/keys/";
constexpr const char* kKeyBody = R"({"key": "..."})";
constexpr const char* kStageBody = R"({"encryption": "required"})";
/// Longer text is not quoted back in an error: it may be a key (44 characters) put in the wrong
/// place.
constexpr std::size_t kMaxQuoted = 32;

Json keyring_json(const AgentKeyring& keyring) {
  KeyringStatus s;
  try {
    s = keyring.status();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_running) throw ApiError(503, "unavailable", e.what());
    throw;
  }
  Json body;
  body["keys"] = s.key_ids;
  body["primary"] = s.key_ids.empty() ? Json(nullptr) : Json(s.key_ids.front());
  body["encryption"] = std::string(to_string(s.encryption));
  body["cluster_name"] = s.cluster_name;
  body["keyring_file"] = keyring.file().empty() ? Json(nullptr) : Json(keyring.file());
  return body;
}

/// The string `field` of a JSON body that has nothing else. The errors never quote the body:
/// it may hold a key (nlohmann's own messages quote what they read last, so they are not used).
std::string body_field(const HttpRequest& req, const std::string& field, const char* example) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::parse_error& e) {
    throw ApiError(
        400, "bad_json",
        "malformed JSON body at byte " + std::to_string(e.byte) + " (expected " + example + ")");
  }
  if (!body.is_object())
    throw ApiError(400, "bad_json", std::string("the JSON body must be an object ") + example);
  for (const auto& [name, value] : body.items())
    if (name != field)
      throw ApiError(400, "bad_json",
                     "the JSON body may hold only \"" + field + "\" (" + example + ")");
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string())
    throw ApiError(400, "bad_json",
                   "the JSON body needs \"" + field + "\", a string (" + example + ")",
                   Json{{"field", field}});
  return it->get<std::string>();
}

/// Makes `change` and answers the keyring it left. The member's refusals are 409 with its
/// reason (they name key ids, never keys).
void change_and_reply(const ApiContext& ctx, HttpResponse& res,
                      const std::function<void(AgentKeyring&)>& change) {
  try {
    change(ctx.keyring());
  } catch (const Error& e) {
    if (e.code() == ErrorCode::invalid_argument) throw ApiError(409, "conflict", e.what());
    if (e.code() == ErrorCode::not_running) throw ApiError(503, "unavailable", e.what());
    throw;
  } catch (const KeyringNotSaved& e) {
    throw ApiError(500, "keyring_not_saved", e.what());
  }
  reply_json(res, 200, keyring_json(ctx.keyring()));
}

}  // namespace

void add_keyring_routes(Router& router, ApiContext& ctx) {
  router.get("/v1/keyring", guarded([&ctx](const HttpRequest&, HttpResponse& res) {
               reply_json(res, 200, keyring_json(ctx.keyring()));
             }));
  router.post("/v1/keyring/keys", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
                const std::string key = body_field(req, "key", kKeyBody);
                if (!key_id(key))
                  throw ApiError(400, "not_a_key",
                                 "\"key\" is not a key: a key is 32 bytes in 44 characters of "
                                 "base64 (`convoy keygen` makes one)");
                change_and_reply(ctx, res, [&key](AgentKeyring& k) { k.install(key); });
              }));
  router.put("/v1/keyring/primary", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string key = body_field(req, "key", kKeyBody);
               if (!is_key_id(key) && !key_id(key))
                 throw ApiError(400, "not_a_key",
                                "\"key\" is neither a key id (8 hex digits) nor a key (44 "
                                "characters of base64)");
               change_and_reply(ctx, res, [&key](AgentKeyring& k) { k.use(key); });
             }));
  router.del("/v1/keyring/keys/{id...}", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string id = req.matches[1];
               if (!is_key_id(id))
                 throw ApiError(400, "bad_key_id",
                                "not a key id: give the id (8 hex digits; `convoy keyring` lists "
                                "them), never the key itself, in a URL");
               change_and_reply(ctx, res, [&id](AgentKeyring& k) { k.remove(id); });
             }));
  router.put("/v1/keyring/encryption", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
               const std::string text = body_field(req, "encryption", kStageBody);
               const auto stage = parse_encryption(text);
               if (!stage)
                 throw ApiError(400, "bad_encryption",
                                "unknown encryption stage" +
                                    (text.size() <= kMaxQuoted ? " '" + text + "'" : "") +
                                    " (use off, accept_sealed, send_sealed or required)");
               change_and_reply(ctx, res, [&stage](AgentKeyring& k) { k.set_encryption(*stage); });
             }));
}

std::string loggable_path(const std::string& path) {
  if (path.rfind(kKeysPath, 0) != 0) return path;
  const std::string_view rest = std::string_view(path).substr(kKeysPath.size());
  if (is_key_id(rest)) return path;
  return std::string(kKeysPath) + "(not a key id: not logged)";
}

}  // namespace convoy::app
