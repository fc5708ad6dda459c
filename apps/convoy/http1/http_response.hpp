// HttpResponse: what a route answers — a status, headers, and either a body with its content
// type (sent with Content-Length) or a content provider that writes a body of unknown length
// through a DataSink for as long as it lasts (an event stream). A streamed body is sent
// unframed and ends with the connection: no chunked encoding, so what the provider writes goes
// to the socket as it is, without a copy per chunk.
#pragma once

#include "http1/http_headers.hpp"

#include <cstddef>
#include <functional>
#include <string>

namespace convoy::app {

/// Where a content provider writes. Implemented by the server over the connection.
class DataSink {
 public:
  virtual ~DataSink() = default;
  /// Sends `size` bytes (waiting for room, up to the server's write timeout); false when they
  /// could not be sent: the client is gone or the server is stopping.
  virtual bool write(const char* data, std::size_t size) = 0;
  /// The body is complete; the server closes the connection.
  virtual void done() = 0;
};

/// Called again and again while the body lasts, to write its next part (it may wait for one).
/// Returns false to abandon the body.
using ContentProvider = std::function<bool(DataSink& sink)>;
/// Called once when a provided body ends, however it ended: `completed` when done() was called.
using ContentReleaser = std::function<void(bool completed)>;

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;  ///< besides Content-Type and Content-Length, which the server writes
  std::string body;
  std::string content_type;
  ContentProvider provider;
  ContentReleaser releaser;

  /// Sets header `name`, replacing any value it had.
  void set_header(const std::string& name, std::string value) {
    headers.erase(name);
    headers.emplace(name, std::move(value));
  }
  void set_content(std::string content, std::string type) {
    body = std::move(content);
    content_type = std::move(type);
  }
  void set_content_provider(std::string type, ContentProvider write, ContentReleaser release = {}) {
    content_type = std::move(type);
    provider = std::move(write);
    releaser = std::move(release);
  }
  [[nodiscard]] bool streamed() const { return static_cast<bool>(provider); }
};

}  // namespace convoy::app
