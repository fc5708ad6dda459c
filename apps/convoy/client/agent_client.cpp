// AgentClient: see agent_client.hpp.
#include "client/agent_client.hpp"

#include "client/http_client.hpp"
#include "text/host_port.hpp"

#include <cstdlib>

namespace convoy::app {
namespace {

constexpr std::uint16_t kDefaultHttpPort = 7947;

[[noreturn]] void unreachable(const std::string& address, const HttpClientError& e) {
  throw ClientError("cannot reach the agent at " + address + ": " + e.reason() +
                    " (is `convoy agent` running there? set --agent or CONVOY_AGENT)");
}

Reply to_reply(const HttpReply& answer) {
  Reply reply;
  reply.status = answer.status;
  reply.text = answer.body;
  reply.body = nlohmann::json::parse(reply.text, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

}  // namespace

std::string Reply::error() const {
  if (body.is_object()) {
    auto it = body.find("error");
    if (it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return "HTTP " + std::to_string(status);
}

AgentClient::AgentClient(const std::string& address, std::chrono::milliseconds timeout) {
  std::string text = address;
  if (text.rfind("http://", 0) == 0) text = text.substr(7);
  while (!text.empty() && text.back() == '/') text.pop_back();
  auto hp = parse_host_port(text, kDefaultHttpPort);
  if (!hp || hp->host.empty())
    throw ClientError("bad agent address '" + address + "' (use host:port)");
  address_ = hp->to_string();
  HttpClientOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  options.read_timeout = timeout;
  options.write_timeout = std::chrono::seconds(10);
  http_ = std::make_unique<HttpClient>(hp->host, hp->port, options);
}

AgentClient::~AgentClient() = default;
AgentClient::AgentClient(AgentClient&&) noexcept = default;
AgentClient& AgentClient::operator=(AgentClient&&) noexcept = default;

std::string AgentClient::default_address() {
  if (const char* env = std::getenv("CONVOY_AGENT"); env != nullptr && *env != '\0') return env;
  return "127.0.0.1:" + std::to_string(kDefaultHttpPort);
}

Reply AgentClient::get(const std::string& path) {
  return call("GET", path, {}, {});
}

Reply AgentClient::put(const std::string& path, const std::string& body,
                       const std::string& content_type) {
  return call("PUT", path, body, content_type);
}

Reply AgentClient::del(const std::string& path) {
  return call("DELETE", path, {}, {});
}

Reply AgentClient::post(const std::string& path) {
  return call("POST", path, {}, "application/json");
}

Reply AgentClient::post(const std::string& path, const std::string& body,
                        const std::string& content_type) {
  return call("POST", path, body, content_type);
}

Reply AgentClient::call(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& content_type) {
  HttpHeaders headers;
  if (!content_type.empty()) headers.emplace("Content-Type", content_type);
  try {
    return to_reply(http_->request(method, path, body, headers));
  } catch (const HttpClientError& e) {
    unreachable(address_, e);
  }
}

void AgentClient::stream(const std::string& path,
                         const std::function<bool(const SseEvent&)>& on_event,
                         const std::function<void()>& on_open) {
  bool keep_going = true;
  SseParser parser([&](const SseEvent& e) {
    if (keep_going) keep_going = on_event(e);
  });
  int status = 0;
  std::string error_body;
  try {
    http_->stream(
        path, HttpHeaders{{"Accept", "text/event-stream"}},
        [&](int code, const HttpHeaders&) {
          status = code;
          if (status == 200 && on_open) on_open();
        },
        [&](std::string_view bytes) {
          if (status != 200) {
            error_body.append(bytes);
            return true;
          }
          parser.feed(bytes);
          return keep_going;
        });
  } catch (const HttpClientError& e) {
    unreachable(address_, e);
  }
  // The caller had enough, or a stream that was flowing ended (the agent went away, or stop()):
  // the caller decides what that means.
  if (status == 200) return;
  Reply reply;
  reply.status = status;
  reply.body = nlohmann::json::parse(error_body, nullptr, false);
  throw ClientError("the agent refused the event stream: " + reply.error());
}

void AgentClient::stop() {
  http_->stop();
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace convoy::app
