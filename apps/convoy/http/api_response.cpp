// JSON answers and errors: see api_response.hpp.
#include "http/api_response.hpp"

namespace convoy::app {

void reply_json(HttpResponse& res, int status, const Json& body) {
  res.status = status;
  res.set_content(dump_json(body) + "\n", "application/json");
}

void reply_error(HttpResponse& res, int status, const std::string& code, const std::string& message,
                 const Json& extra) {
  Json body;
  body["error"] = message;
  body["code"] = code;
  for (const auto& [k, v] : extra.items()) body[k] = v;
  reply_json(res, status, body);
}

std::string error_code_for(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 413:
      return "body_too_large";
    case 414:
      return "uri_too_long";
    case 431:
      return "headers_too_large";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

Handler guarded(Handler handler) {
  return [handler = std::move(handler)](const HttpRequest& req, HttpResponse& res) {
    try {
      handler(req, res);
    } catch (const ApiError& e) {
      reply_error(res, e.status(), e.code(), e.what(), e.extra());
    } catch (const std::exception& e) {
      reply_error(res, 500, "internal", std::string("internal error: ") + e.what());
    }
  };
}

}  // namespace convoy::app
