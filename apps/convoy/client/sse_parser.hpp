// SseParser: reads a Server-Sent Events stream as it arrives, in chunks cut anywhere, and hands
// out whole events (id, event name, data). Used by `convoy watch` and `convoy demo`, which read
// the agent's /v1/events; it follows the parts of the WHATWG rules the agent's stream uses
// (fields id/event/data, comments, LF or CRLF line ends, multi-line data).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace convoy::app {

struct SseEvent {
  std::string id;
  std::string event = "message";
  std::string data;
};

class SseParser {
 public:
  using Sink = std::function<void(const SseEvent&)>;
  explicit SseParser(Sink sink) : sink_(std::move(sink)) {}

  /// Feeds bytes; calls the sink for every event they complete.
  void feed(std::string_view bytes);

 private:
  void line(std::string_view text);

  Sink sink_;
  std::string partial_;
  SseEvent current_;
  bool has_data_ = false;
};

}  // namespace convoy::app
