// ApiServer: see api_server.hpp.
#include "http/api_server.hpp"

#include "http/api_response.hpp"
#include "http/dashboard_routes.hpp"
#include "http/elastic_task_queue.hpp"
#include "http/event_stream_route.hpp"
#include "http/member_routes.hpp"
#include "http/search_routes.hpp"
#include "http/status_routes.hpp"
#include "http/store_routes.hpp"

#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace convoy::app {
namespace {

// An idle HTTP thread ends after this; a few stay for the next request.
constexpr std::chrono::seconds kIdleThreadExit{10};
constexpr std::size_t kIdleThreadsKept = 2;
// Per connection; the kernel doubles it for its own bookkeeping.
constexpr int kSendBufferBytes = 64 * 1024;

}  // namespace

ApiServer::ApiServer(ApiContext& context, const HttpLimits& limits, RequestLog request_log)
    : context_(context), request_log_(std::move(request_log)) {
  configure(limits);
  add_status_routes(server_, context_);
  add_member_routes(server_, context_);
  add_store_routes(server_, context_);
  add_search_routes(server_, context_);
  add_event_stream_route(server_, context_);
  add_dashboard_routes(server_);
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::configure(const HttpLimits& limits) {
  server_.set_payload_max_length(limits.max_body_bytes);
  server_.set_read_timeout(5, 0);
  server_.set_write_timeout(5, 0);
  server_.set_keep_alive_max_count(100);
  server_.set_keep_alive_timeout(2);
  server_.set_tcp_nodelay(true);
  // httplib's default options set SO_REUSEPORT, which lets a second agent listen on the same
  // port and silently share its connections: only SO_REUSEADDR here, so a port in use is an
  // error. The socket is kept to widen httplib's compiled-in listen backlog (5) once bound.
  // Accepted connections inherit the listener's send buffer: a fixed, modest one bounds what a
  // client that stops reading costs (kernel memory, and copies before its writer blocks) to
  // ~128 KiB instead of the autotuned megabytes — a thousand stalled event streams stay cheap.
  server_.set_socket_options([this](int fd) {
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    const int send_buffer = kSendBufferBytes;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
    listen_fd_ = fd;
  });
  // httplib owns (and deletes) the queue it is handed; it must come as a raw pointer.
  const std::size_t max_threads = limits.max_event_streams + limits.max_connections;
  server_.new_task_queue = [max_threads]() -> httplib::TaskQueue* {
    return std::make_unique<ElasticTaskQueue>(max_threads, kIdleThreadsKept, kIdleThreadExit)
        .release();
  };
  // Errors httplib answers itself (404, 413, 400 for a malformed request...) get a JSON body too.
  server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = "HTTP " + std::to_string(res.status);
    if (res.status == 404) message = "no route for " + req.method + " " + req.path;
    if (res.status == 413) {
      message = "the request body is too large";
      // httplib caps form-encoded bodies (curl -d's default type) at 8 KiB, whatever the limit.
      if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0)
        message += " for a form-encoded body (8 KiB); send the value as application/octet-stream";
    }
    if (res.status == 400) message = "malformed request";
    reply_error(res, res.status, error_code_for(res.status), message);
  });
  server_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        reply_error(res, 500, "internal", "internal error: " + what);
      });
  if (request_log_) {
    server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      request_log_(req.method + " " + req.path + " " + std::to_string(res.status));
    });
  }
}

void ApiServer::bind(const HostPort& address) {
  const std::string host = address.host.empty() ? "127.0.0.1" : address.host;
  int port = address.port;
  if (port == 0) {
    port = server_.bind_to_any_port(host);
    if (port <= 0)
      throw std::runtime_error("cannot listen for HTTP on " + address.to_string() +
                               " (is the address one of this machine's?)");
  } else if (!server_.bind_to_port(host, port)) {
    throw std::runtime_error("cannot listen for HTTP on " + address.to_string() +
                             " (in use by another process, or not an address of this machine)");
  }
  // A burst of clients (a dashboard's page load, a test's threads) must queue, not be refused:
  // listen() again on the bound socket only changes its backlog.
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  address_ = HostPort{host, static_cast<std::uint16_t>(port)}.to_string();
  context_.http_address = address_;
}

void ApiServer::serve() {
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only reaches a server that runs: wait for the thread to get there.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ApiServer::stop() {
  context_.hub.close();
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace convoy::app
