// RequestReader: the requests of one connection, from its bytes as they arrive (cut anywhere,
// several in one read when a client pipelines). MessageParser (http-parser) reads the syntax;
// this turns each message into an HttpRequest (path decoded, query split) and says what to
// answer when one cannot be read: 400 malformed, 413 a body over the limit (refused from its
// Content-Length, before it is sent, or as a chunked body grows past it), 414 a target over
// 8 KiB, 431 header fields over 8 KiB in all. Nothing is held past a limit.
#pragma once

#include "http1/http_request.hpp"
#include "http1/message_parser.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace convoy::app {

struct RequestLimits {
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_target_bytes = 8 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
};

/// Why a request cannot be served: the status to answer with, and a sentence saying why.
struct RequestError {
  int status = 400;
  std::string message;
};

class RequestReader {
 public:
  explicit RequestReader(RequestLimits limits);

  /// Adds bytes read from the connection.
  void feed(std::string_view bytes);
  /// The next complete request, or nullopt when more bytes are needed or the connection's
  /// bytes cannot be read as a request (then error() is set, and stays: the connection must
  /// be answered and closed, since where the next request would start is unknown).
  [[nodiscard]] std::optional<HttpRequest> next();
  [[nodiscard]] const std::optional<RequestError>& error() const { return error_; }

  /// True once for a request that sent "Expect: 100-continue", when its head has been read
  /// and its body has not: the server answers "100 Continue" then, and the client sends it.
  [[nodiscard]] bool take_continue();
  /// Between requests: no byte of a next request has arrived.
  [[nodiscard]] bool idle() const;

 private:
  [[nodiscard]] std::optional<HttpRequest> build(ParsedMessage message);
  void fail(int status, std::string message);

  RequestLimits limits_;
  MessageParser parser_;
  std::string buffer_;  ///< bytes fed but not parsed yet: the start of a pipelined request
  std::optional<RequestError> error_;
  bool continue_sent_ = false;
};

}  // namespace convoy::app
