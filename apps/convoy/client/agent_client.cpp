// AgentClient: see agent_client.hpp.
#include "client/agent_client.hpp"

#include "text/host_port.hpp"

#include <httplib.h>

#include <cstdlib>

namespace convoy::app {
namespace {

constexpr std::uint16_t kDefaultHttpPort = 7947;

std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused or unreachable";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "no answer (read failed or timed out)";
    case httplib::Error::Write:
      return "could not send the request";
    case httplib::Error::Canceled:
      return "canceled";
    default:
      return httplib::to_string(error);
  }
}

Reply to_reply(const httplib::Result& result, const std::string& address) {
  if (!result)
    throw ClientError("cannot reach the agent at " + address + ": " + describe(result.error()) +
                      " (is `convoy agent` running there? set --agent or CONVOY_AGENT)");
  Reply reply;
  reply.status = result->status;
  reply.text = result->body;
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
  http_ = std::make_unique<httplib::Client>(hp->host, hp->port);
  http_->set_url_encode(false);  // paths are encoded here, once
  http_->set_connection_timeout(std::chrono::seconds(2));
  http_->set_read_timeout(timeout);
  http_->set_write_timeout(std::chrono::seconds(10));
  http_->set_keep_alive(true);
  // A request goes out in two writes (headers, then body): with Nagle on, the body would wait
  // for the ack of the headers, which the agent delays up to 40 ms.
  http_->set_tcp_nodelay(true);
}

AgentClient::~AgentClient() = default;
AgentClient::AgentClient(AgentClient&&) noexcept = default;
AgentClient& AgentClient::operator=(AgentClient&&) noexcept = default;

std::string AgentClient::default_address() {
  if (const char* env = std::getenv("CONVOY_AGENT"); env != nullptr && *env != '\0') return env;
  return "127.0.0.1:" + std::to_string(kDefaultHttpPort);
}

Reply AgentClient::get(const std::string& path) {
  return to_reply(http_->Get(path), address_);
}

Reply AgentClient::put(const std::string& path, const std::string& body,
                       const std::string& content_type) {
  return to_reply(http_->Put(path, body, content_type), address_);
}

Reply AgentClient::del(const std::string& path) {
  return to_reply(http_->Delete(path), address_);
}

Reply AgentClient::post(const std::string& path) {
  return to_reply(http_->Post(path, std::string(), "application/json"), address_);
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
  httplib::Headers headers{{"Accept", "text/event-stream"}};
  auto result = http_->Get(
      path, headers,
      [&](const httplib::Response& response) {
        status = response.status;
        if (status == 200 && on_open) on_open();
        return true;
      },
      [&](const char* data, std::size_t length) {
        if (status != 200) {
          error_body.append(data, length);
          return true;
        }
        parser.feed(std::string_view(data, length));
        return keep_going;
      });
  if (!keep_going) return;  // the caller had enough: httplib reports that as Canceled
  // A stream that was flowing and broke (the agent went away) simply ends; the caller decides.
  if (!result && status != 200) (void)to_reply(result, address_);  // throws why
  if (status != 200) {
    Reply reply;
    reply.status = status;
    reply.body = nlohmann::json::parse(error_body, nullptr, false);
    throw ClientError("the agent refused the event stream: " + reply.error());
  }
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
