// HttpServer: see http_server.hpp.
#include "http1/http_server.hpp"

#include "http1/message_parser.hpp"
#include "http1/socket_io.hpp"
#include "text/duration.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

// A body this small goes out in the same write as the head: one segment for most answers.
constexpr std::size_t kCoalesceBytes = 16 * 1024;
// After the last response, how long the rest of what the client sends is read and dropped
// (see close_gracefully).
constexpr auto kLinger = 2s;
// accept() failing for want of descriptors: the wait before trying again.
constexpr auto kAcceptRetry = 50ms;

/// A provided body's writes, straight to the connection.
class ConnectionSink final : public DataSink {
 public:
  ConnectionSink(int fd, std::chrono::milliseconds timeout, int stop_fd)
      : fd_(fd), timeout_(timeout), stop_fd_(stop_fd) {}

  bool write(const char* data, std::size_t size) override {
    if (broken_ || done_) return false;
    broken_ =
        send_all(fd_, std::string_view(data, size), timeout_, stop_fd_).status != IoStatus::ok;
    return !broken_;
  }
  void done() override { done_ = true; }

  [[nodiscard]] bool finished() const { return done_ || broken_; }
  [[nodiscard]] bool completed() const { return done_ && !broken_; }

 private:
  int fd_;
  std::chrono::milliseconds timeout_;
  int stop_fd_;
  bool done_ = false;
  bool broken_ = false;
};

/// Ends a provided body that will not be streamed (a HEAD request, an error after all), so its
/// owner still learns that it ended.
void release_unsent(HttpResponse& response) {
  if (response.releaser) response.releaser(false);
  response.provider = nullptr;
  response.releaser = nullptr;
}

bool asks_to_close(const HttpResponse& response) {
  const auto it = response.headers.find("Connection");
  return it != response.headers.end() && equals_ignoring_case(it->second, "close");
}

}  // namespace

HttpServer::HttpServer(const Router& router, HttpServerOptions options, ErrorPage error_page,
                       RequestLog request_log)
    : router_(router),
      options_(std::move(options)),
      error_page_(std::move(error_page)),
      request_log_(std::move(request_log)),
      stop_fd_(make_stop_fd()),
      connections_(options_.max_threads, options_.idle_threads_kept, options_.idle_thread_exit) {}

HttpServer::~HttpServer() {
  stop();
}

std::uint16_t HttpServer::bind(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc =
          ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      rc != 0)
    throw std::runtime_error(::gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  int error = EADDRNOTAVAIL;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) {
      error = errno;
      continue;
    }
    const int yes = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // Accepted connections inherit the listener's send buffer.
    if (options_.send_buffer_bytes > 0)
      ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &options_.send_buffer_bytes,
                   sizeof options_.send_buffer_bytes);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
      error = errno;
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length);
    listener_ = std::move(fd);
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&bound);
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&bound);
    return ntohs(bound.ss_family == AF_INET6 ? v6->sin6_port : v4->sin_port);
  }
  throw std::runtime_error(std::strerror(error));
}

void HttpServer::start() {
  if (!listener_.valid()) throw std::logic_error("HttpServer::start() before bind()");
  acceptor_ = std::thread([this] { accept_loop(); });
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  signal_stop(stop_fd_.get());
  if (acceptor_.joinable()) acceptor_.join();
  listener_.reset();
  // Connections waiting for a thread run now and end at their first wait.
  connections_.shutdown();
}

void HttpServer::accept_loop() {
  for (;;) {
    const IoStatus ready = wait_for(listener_.get(), POLLIN, 1h, stop_fd_.get());
    if (ready == IoStatus::stopped) return;
    if (ready != IoStatus::ok) continue;
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors: the connection stays queued; try again a little later.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        if (wait_for(stop_fd_.get(), POLLIN, kAcceptRetry, -1) == IoStatus::ok) return;
      continue;
    }
    // Owned by the job: closed even if the queue drops the job unrun.
    auto connection = std::make_shared<UniqueFd>(fd);
    connections_.enqueue([this, connection] { serve(connection->get()); });
  }
}

void HttpServer::serve(int fd) {
  set_no_delay(fd);
  RequestReader reader(options_.limits);
  std::array<char, 16 * 1024> buffer;
  std::size_t served = 0;
  // When the request under way must be complete; max() between requests.
  constexpr auto unset = std::chrono::steady_clock::time_point::max();
  auto request_deadline = unset;
  const std::string too_slow =
      "the request did not complete within " + format_duration(options_.request_timeout);
  for (;;) {
    std::optional<HttpRequest> request = reader.next();
    if (!request) {
      if (const auto& error = reader.error()) {
        HttpResponse response = error_response(error->status, error->message);
        if (write_response(fd, nullptr, response, false)) close_gracefully(fd);
        return;
      }
      if (reader.take_continue() &&
          send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", options_.write_timeout, stop_fd_.get())
                  .status != IoStatus::ok)
        return;
      const bool between = reader.idle();
      auto timeout = between && served > 0 ? options_.keep_alive_timeout : options_.read_timeout;
      if (!between) {
        const auto now = std::chrono::steady_clock::now();
        if (request_deadline == unset) request_deadline = now + options_.request_timeout;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(request_deadline - now);
        if (left.count() <= 0) {
          answer_timeout(fd, too_slow);
          return;
        }
        timeout = std::min(timeout, left);
      }
      const IoResult got = receive(fd, buffer.data(), buffer.size(), timeout, stop_fd_.get());
      if (got.status == IoStatus::ok) {
        reader.feed(std::string_view(buffer.data(), got.bytes));
        continue;
      }
      if (got.status == IoStatus::timed_out && !between) {
        const bool whole = std::chrono::steady_clock::now() >= request_deadline;
        answer_timeout(fd, whole ? too_slow
                                 : "the rest of the request did not come within " +
                                       format_duration(options_.read_timeout));
      }
      return;  // the client closed, went silent between requests, or the server is stopping
    }
    ++served;
    request_deadline = unset;
    HttpResponse response = respond(*request);
    const bool keep_alive = request->keep_alive && !response.streamed() &&
                            !asks_to_close(response) && served < options_.keep_alive_max_requests &&
                            !stopping_.load();
    const bool written = write_response(fd, &*request, response, keep_alive);
    if (request_log_) request_log_(*request, response);
    if (!written) return;
    if (!keep_alive) {
      close_gracefully(fd);
      return;
    }
  }
}

void HttpServer::answer_timeout(int fd, const std::string& why) {
  HttpResponse response = error_response(408, why);
  if (write_response(fd, nullptr, response, false)) close_gracefully(fd);
}

HttpResponse HttpServer::respond(HttpRequest& request) {
  HttpResponse response;
  std::string failure;
  try {
    const Router::Outcome outcome = router_.route(request, response);
    if (outcome.handled) return response;
    if (outcome.allowed.empty())
      return error_response(404, "no route for " + request.method + " " + request.path);
    HttpResponse refused =
        error_response(405, request.method + " is not allowed on " + request.path +
                                " (allowed: " + outcome.allowed + ")");
    refused.set_header("Allow", outcome.allowed);
    return refused;
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown error";
  }
  release_unsent(response);
  return error_response(500, "internal error: " + failure);
}

HttpResponse HttpServer::error_response(int status, const std::string& message) const {
  HttpResponse response;
  response.status = status;
  if (error_page_) {
    error_page_(status, message, response);
  } else {
    response.set_content(message + "\n", "text/plain; charset=utf-8");
  }
  return response;
}

bool HttpServer::write_response(int fd, const HttpRequest* request, HttpResponse& response,
                                bool keep_alive) {
  const bool head_only = request != nullptr && request->method == "HEAD";
  if (head_only) release_unsent(response);
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     std::string(reason_phrase(response.status)) + "\r\n";
  if (!response.content_type.empty()) head += "Content-Type: " + response.content_type + "\r\n";
  for (const auto& [name, value] : response.headers)
    if (!equals_ignoring_case(name, "Connection")) head += name + ": " + value + "\r\n";
  // A streamed body has no length: it ends with the connection.
  if (!response.streamed())
    head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (!keep_alive) {
    head += "Connection: close\r\n";
  } else if (request != nullptr && request->version_minor == 0) {
    head += "Connection: keep-alive\r\n";  // HTTP/1.0 closes unless told otherwise
  }
  head += "\r\n";

  const bool with_body = !head_only && !response.streamed();
  if (with_body && response.body.size() <= kCoalesceBytes) {
    head += response.body;
    return send_all(fd, head, options_.write_timeout, stop_fd_.get()).status == IoStatus::ok;
  }
  if (send_all(fd, head, options_.write_timeout, stop_fd_.get()).status != IoStatus::ok) {
    release_unsent(response);
    return false;
  }
  if (response.streamed()) {
    stream_body(fd, response);
    return true;
  }
  return !with_body ||
         send_all(fd, response.body, options_.write_timeout, stop_fd_.get()).status == IoStatus::ok;
}

void HttpServer::stream_body(int fd, HttpResponse& response) {
  ConnectionSink sink(fd, options_.write_timeout, stop_fd_.get());
  bool abandoned = false;
  try {
    while (!sink.finished() && !abandoned) abandoned = !response.provider(sink);
  } catch (...) {
    abandoned = true;  // the head is out: nothing to answer with but the end of the connection
  }
  if (response.releaser) response.releaser(sink.completed() && !abandoned);
  response.provider = nullptr;
  response.releaser = nullptr;
}

void HttpServer::close_gracefully(int fd) {
  // Closing with unread bytes from the client (a body refused with 413, a pipelined request)
  // makes the kernel send a reset, which can destroy the response before the client reads it.
  // So: say we are done, then read and drop what still comes until the client closes too.
  ::shutdown(fd, SHUT_WR);
  std::array<char, 16 * 1024> sink;
  const auto deadline = std::chrono::steady_clock::now() + kLinger;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return;
    if (receive(fd, sink.data(), sink.size(), left, stop_fd_.get()).status != IoStatus::ok) return;
  }
}

}  // namespace convoy::app
