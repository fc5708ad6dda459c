// How every route answers: JSON bodies, and errors as {"error": "...", "code": "...", ...} with a
// 4xx/5xx status. A handler throws ApiError for a request it cannot serve; guarded() turns that
// (and anything unexpected) into the error body, so no request can crash the agent or leave an
// empty response.
#pragma once

#include "http/json_model.hpp"

#include "http1/router.hpp"

#include <functional>
#include <stdexcept>
#include <string>

namespace convoy::app {

class ApiError : public std::runtime_error {
 public:
  /// `code`: a stable word for scripts ("bad_request", "not_found", "conflict", ...).
  ApiError(int status, std::string code, const std::string& message, Json extra = Json::object())
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        extra_(std::move(extra)) {}

  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::string& code() const { return code_; }
  [[nodiscard]] const Json& extra() const { return extra_; }

 private:
  int status_;
  std::string code_;
  Json extra_;
};

void reply_json(HttpResponse& res, int status, const Json& body);
void reply_error(HttpResponse& res, int status, const std::string& code, const std::string& message,
                 const Json& extra = Json::object());

/// The stable error word for an HTTP status without one of its own ("not_found", ...).
[[nodiscard]] std::string error_code_for(int status);

using Handler = Router::Handler;
/// `handler`, with ApiError and every other exception answered as a JSON error.
[[nodiscard]] Handler guarded(Handler handler);

}  // namespace convoy::app
