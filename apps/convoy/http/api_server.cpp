// ApiServer: see api_server.hpp.
#include "http/api_server.hpp"

#include "http/api_response.hpp"
#include "http/dashboard_routes.hpp"
#include "http/event_stream_route.hpp"
#include "http/keyring_routes.hpp"
#include "http/member_routes.hpp"
#include "http/search_routes.hpp"
#include "http/status_routes.hpp"
#include "http/store_routes.hpp"

#include <stdexcept>

namespace convoy::app {
namespace {

// An idle HTTP thread ends after this; a few stay for the next request.
constexpr std::chrono::seconds kIdleThreadExit{10};
constexpr std::size_t kIdleThreadsKept = 2;
// Per connection; the kernel doubles it for its own bookkeeping. A fixed, modest buffer bounds
// what a client that stops reading costs (kernel memory, and copies before its writer blocks)
// to ~128 KiB instead of the autotuned megabytes: a thousand stalled event streams stay cheap.
constexpr int kSendBufferBytes = 64 * 1024;

HttpServerOptions server_options(const HttpLimits& limits) {
  HttpServerOptions options;
  options.limits.max_body_bytes = limits.max_body_bytes;
  options.max_threads = limits.max_event_streams + limits.max_connections;
  options.idle_threads_kept = kIdleThreadsKept;
  options.idle_thread_exit = kIdleThreadExit;
  options.read_timeout = std::chrono::seconds(5);
  options.write_timeout = std::chrono::seconds(5);
  options.keep_alive_timeout = std::chrono::seconds(2);
  options.keep_alive_max_requests = 100;
  options.send_buffer_bytes = kSendBufferBytes;
  return options;
}

// Errors the server answers itself (a request it cannot read, no route, a handler that threw)
// get the API's JSON error body too.
void error_page(int status, const std::string& message, HttpResponse& res) {
  std::string text = message;
  if (status == 413) text += " (http.max_body_bytes)";
  reply_error(res, status, error_code_for(status), text);
}

}  // namespace

ApiServer::ApiServer(ApiContext& context, const HttpLimits& limits, RequestLog request_log)
    : context_(context),
      request_log_(std::move(request_log)),
      server_(router_, server_options(limits), &error_page,
              [this](const HttpRequest& req, const HttpResponse& res) {
                if (request_log_)
                  request_log_(req.method + " " + loggable_path(req.path) + " " +
                               std::to_string(res.status));
              }) {
  add_status_routes(router_, context_);
  add_member_routes(router_, context_);
  add_store_routes(router_, context_);
  add_search_routes(router_, context_);
  add_keyring_routes(router_, context_);
  add_event_stream_route(router_, context_);
  add_dashboard_routes(router_);
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::bind(const HostPort& address) {
  const std::string host = address.host.empty() ? "127.0.0.1" : address.host;
  std::uint16_t port = 0;
  try {
    port = server_.bind(host, address.port);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen for HTTP on " + address.to_string() + ": " + e.what());
  }
  address_ = HostPort{host, port}.to_string();
  context_.http_address = address_;
}

void ApiServer::serve() {
  server_.start();
}

void ApiServer::stop() {
  // Event streams wait on the hub, not on their sockets: end them first.
  context_.hub.close();
  server_.stop();
}

}  // namespace convoy::app
