// HttpRequest: one request as the routes see it — method, the path percent-decoded, the query's
// parameters, headers (case-insensitive), the body read whole (bounded by the server's limit),
// and what the Router's pattern took from the path. RequestReader fills it from the bytes of a
// connection; nothing else of HTTP's wire format reaches a route.
#pragma once

#include "http1/http_headers.hpp"
#include "http1/url_query.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::app {

struct HttpRequest {
  std::string method;  ///< "GET", "PUT", ... as sent (http_parser knows every standard one)
  std::string target;  ///< the request target as sent: "/v1/store/a%2Fb?expect=3"
  std::string path;    ///< the target's path, percent-decoded ('+' stays '+'): "/v1/store/a/b"
  QueryParams query;   ///< the target's query, decoded; never fields of a form-encoded body
  HttpHeaders headers;
  std::string body;
  int version_major = 1;
  int version_minor = 1;
  /// The client may send another request on this connection (HTTP/1.1 without
  /// "Connection: close", or HTTP/1.0 with "Connection: keep-alive").
  bool keep_alive = true;
  /// What the Router's pattern for this request took from `path`: [0] the whole path, [1] the
  /// first placeholder's value, and so on.
  std::vector<std::string> matches;

  [[nodiscard]] std::string header(std::string_view name) const {
    return header_value(headers, name);
  }
  [[nodiscard]] bool has_header(std::string_view name) const {
    return headers.find(name) != headers.end();
  }
  [[nodiscard]] bool has_query(const std::string& name) const {
    return query.find(name) != query.end();
  }
  /// The first value of query parameter `name`, or nullopt when absent.
  [[nodiscard]] std::optional<std::string> query_value(const std::string& name) const {
    const auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace convoy::app
