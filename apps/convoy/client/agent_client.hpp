// AgentClient: the client side of the agent's HTTP API (over HttpClient), shared by the
// command-line tool and the demo. It knows where the agent is (--agent, $CONVOY_AGENT, or the
// default 127.0.0.1:7947), percent-encodes what goes into paths and queries, decodes JSON
// answers, and turns "could not talk to the agent" into one ClientError line a person can act on.
#pragma once

#include "client/sse_parser.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace convoy::app {

class HttpClient;

class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Reply {
  int status = 0;
  nlohmann::json body;  ///< the JSON answer (null if it was not JSON)
  std::string text;     ///< the raw answer

  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
  /// The error body's message, or "HTTP <status>".
  [[nodiscard]] std::string error() const;
};

class AgentClient {
 public:
  /// `address`: "host:port", "http://host:port" or "host" (port 7947). Throws ClientError.
  explicit AgentClient(const std::string& address,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~AgentClient();
  AgentClient(AgentClient&&) noexcept;
  AgentClient& operator=(AgentClient&&) noexcept;

  /// $CONVOY_AGENT, else "127.0.0.1:7947".
  [[nodiscard]] static std::string default_address();

  [[nodiscard]] const std::string& address() const { return address_; }

  Reply get(const std::string& path);
  Reply put(const std::string& path, const std::string& body,
            const std::string& content_type = "application/octet-stream");
  Reply del(const std::string& path);
  Reply post(const std::string& path);
  Reply post(const std::string& path, const std::string& body,
             const std::string& content_type = "application/json");
  /// Reads the event stream at `path`, calling `on_event` for each event until it returns false
  /// or the agent ends the stream. Returns normally in both cases; throws ClientError when the
  /// agent cannot be reached or answers with an error. `on_open` runs once the agent accepted
  /// the stream (from then on, no event is missed).
  void stream(const std::string& path, const std::function<bool(const SseEvent&)>& on_event,
              const std::function<void()>& on_open = {});
  /// Interrupts a stream() running on another thread.
  void stop();

 private:
  Reply call(const std::string& method, const std::string& path, const std::string& body,
             const std::string& content_type);

  std::string address_;
  std::unique_ptr<HttpClient> http_;
};

/// Percent-encodes everything but RFC 3986's unreserved characters: for a path segment or a
/// query value ("a/b c" -> "a%2Fb%20c").
[[nodiscard]] std::string url_encode(std::string_view text);

}  // namespace convoy::app
