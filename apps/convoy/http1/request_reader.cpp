// RequestReader: see request_reader.hpp.
#include "http1/request_reader.hpp"

namespace convoy::app {

RequestReader::RequestReader(RequestLimits limits)
    : limits_(limits),
      parser_(
          MessageParser::Kind::request,
          MessageLimits{limits.max_target_bytes, limits.max_header_bytes, limits.max_body_bytes}) {}

void RequestReader::feed(std::string_view bytes) {
  if (!error_) buffer_.append(bytes);
}

std::optional<HttpRequest> RequestReader::next() {
  if (error_) return std::nullopt;
  const std::size_t used = parser_.feed(buffer_);
  buffer_.erase(0, used);
  switch (parser_.state()) {
    case ParseState::incomplete:
      return std::nullopt;
    case ParseState::complete:
      continue_sent_ = false;
      return build(parser_.take());
    case ParseState::malformed:
      fail(400, "malformed request: " + parser_.error());
      break;
    case ParseState::target_too_long:
      fail(414, "the request target is longer than " + std::to_string(limits_.max_target_bytes) +
                    " bytes");
      break;
    case ParseState::headers_too_large:
      fail(431, "the request's header fields are larger than " +
                    std::to_string(limits_.max_header_bytes) + " bytes in all");
      break;
    case ParseState::body_too_large:
      fail(413, "the request body is larger than the limit of " +
                    std::to_string(limits_.max_body_bytes) + " bytes");
      break;
    case ParseState::stopped:
      fail(500, "the request body was not read");  // no body sink here: cannot happen
      break;
  }
  return std::nullopt;
}

std::optional<HttpRequest> RequestReader::build(ParsedMessage message) {
  // http-parser reads any one-digit version; HTTP/1.0 and 1.1 are the ones this server speaks.
  if (message.version_major != 1 || message.version_minor > 1) {
    fail(400, "malformed request: HTTP/" + std::to_string(message.version_major) + "." +
                  std::to_string(message.version_minor) + " is not supported");
    return std::nullopt;
  }
  const auto parts = split_target(message.target);
  if (!parts) {
    fail(400, "malformed request: bad request target");
    return std::nullopt;
  }
  HttpRequest request;
  request.path = parts->path.empty() ? "/" : percent_decode(parts->path, PlusIs::plus);
  request.query = parse_query(parts->query);
  request.method = std::move(message.method);
  request.target = std::move(message.target);  // after the views into it are read
  for (auto& [name, value] : message.headers) request.headers.emplace(name, std::move(value));
  request.body = std::move(message.body);
  request.version_major = message.version_major;
  request.version_minor = message.version_minor;
  // After an Upgrade the connection carries another protocol, which this server does not speak.
  request.keep_alive = message.keep_alive && !message.upgrade;
  return request;
}

void RequestReader::fail(int status, std::string message) {
  error_ = RequestError{status, std::move(message)};
  buffer_.clear();
}

bool RequestReader::take_continue() {
  if (continue_sent_ || error_ || !parser_.head_complete() ||
      parser_.state() != ParseState::incomplete)
    return false;
  const ParsedMessage& m = parser_.message();
  if (m.version_major != 1 || m.version_minor != 1) return false;
  for (const auto& [name, value] : m.headers) {
    if (equals_ignoring_case(name, "Expect") && equals_ignoring_case(value, "100-continue")) {
      continue_sent_ = true;
      return true;
    }
  }
  return false;
}

bool RequestReader::idle() const {
  return buffer_.empty() && !parser_.in_message();
}

}  // namespace convoy::app
