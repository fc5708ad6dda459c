// MessageParser: HTTP/1.x messages (requests for the server, responses for the client) read
// from a byte stream, by nodejs's http-parser (Debian's libhttp-parser, linked statically). It
// is the one file that includes <http_parser.h>: the request line, status line, header syntax,
// Content-Length and chunked framing, keep-alive rules and target splitting are all the
// library's; this class only gathers what it reports into a ParsedMessage and enforces sizes as
// the bytes arrive (the target, the header fields in all, the body), so nothing is buffered
// past a limit. http-parser's upstream is archived; keeping it behind this one interface means
// a successor (llhttp) would replace this file alone.
//
// Bytes may come cut anywhere; feed() stops after each complete message, so the bytes of a
// pipelined next request stay with the caller until the current one is answered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convoy::app {

struct MessageLimits {
  std::size_t max_target_bytes = SIZE_MAX;
  /// Names and values of all header fields together (trailers of a chunked body included).
  std::size_t max_header_bytes = SIZE_MAX;
  std::size_t max_body_bytes = SIZE_MAX;
};

struct ParsedMessage {
  std::string method;  ///< requests: "GET", "PUT", ...
  std::string target;  ///< requests: the request target as sent
  int status = 0;      ///< responses
  int version_major = 1;
  int version_minor = 1;
  std::vector<std::pair<std::string, std::string>> headers;  ///< as sent, in order
  std::string body;  ///< empty when streamed out (MessageParser::stream_body)
  /// The connection may carry another message after this one (http-parser's verdict on the
  /// version and the Connection header).
  bool keep_alive = false;
  /// An Upgrade or CONNECT: what follows the head is not HTTP.
  bool upgrade = false;
};

enum class ParseState {
  incomplete,         ///< more bytes needed
  complete,           ///< a whole message: take() it
  malformed,          ///< not HTTP as http-parser reads it (error() says why)
  target_too_long,    ///< over max_target_bytes
  headers_too_large,  ///< over max_header_bytes
  body_too_large,     ///< over max_body_bytes (a Content-Length says so before the body comes)
  stopped,            ///< the body sink asked to stop
};

class MessageParser {
 public:
  enum class Kind { request, response };
  /// Receives body bytes as they come; returns false to stop reading.
  using BodySink = std::function<bool(std::string_view bytes)>;

  MessageParser(Kind kind, MessageLimits limits);
  ~MessageParser();
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  /// Parses from the start of `bytes` up to the end of the current message; returns how many
  /// bytes it used. Uses none once the state is no longer `incomplete`.
  std::size_t feed(std::string_view bytes);
  /// The peer closed the connection: ends a body that runs until then (a response without
  /// Content-Length); a message cut short is malformed.
  void finish();

  [[nodiscard]] ParseState state() const;
  /// The current message's head is read: method, target, status and headers are in message().
  [[nodiscard]] bool head_complete() const;
  /// A message has begun (its first byte is read) and is not yet taken.
  [[nodiscard]] bool in_message() const;
  /// The message read so far.
  [[nodiscard]] const ParsedMessage& message() const;
  /// Takes the complete message; the parser goes on with the next one.
  [[nodiscard]] ParsedMessage take();
  /// Body bytes go to `sink` instead of into the message (no body limit applies).
  void stream_body(BodySink sink);
  /// What was malformed, in http-parser's words.
  [[nodiscard]] std::string error() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// A request target split by http-parser's URL parser: origin form ("/a/b?q") or absolute form
/// ("http://host/a/b?q", whose path may be empty). nullopt when it is not a URL.
struct TargetParts {
  std::string_view path;
  std::string_view query;
};
[[nodiscard]] std::optional<TargetParts> split_target(std::string_view target);

/// "OK", "Not Found", ...; "Unknown" for a status http-parser has no name for.
[[nodiscard]] std::string_view reason_phrase(int status);

}  // namespace convoy::app
