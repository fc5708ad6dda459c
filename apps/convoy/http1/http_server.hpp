// HttpServer: a small HTTP/1.1 server on blocking POSIX sockets. One thread accepts; each
// connection is then served on a thread of an ElasticTaskQueue for as long as it lives: its
// requests read by a RequestReader (http-parser), routed by a Router, answered with
// Content-Length, kept alive for up to `keep_alive_max_requests` requests and
// `keep_alive_timeout` of silence (HTTP/1.0 and "Connection: close" honoured). A streamed
// response (HttpResponse's content provider) is sent unframed and ends the connection.
//
// Every wait is bounded (read and write timeouts, and a whole request by request_timeout, so a
// client trickling a byte at a time cannot keep a thread) and interruptible: stop() makes one
// eventfd readable, which every poll() of the listener and of every connection also waits on, so a
// blocked accept, read or write ends at once and stop() returns as soon as the handlers that
// are running return. A content provider waiting for content is its owner's to wake (ApiServer
// closes its event hub first).
//
// Errors the server answers itself (a request it cannot read, no route, a handler that throws)
// get their body from the ErrorPage the owner gives, so they look like every other error of
// its API.
#pragma once

#include "http1/elastic_task_queue.hpp"
#include "http1/http_request.hpp"
#include "http1/http_response.hpp"
#include "http1/request_reader.hpp"
#include "http1/router.hpp"
#include "http1/unique_fd.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace convoy::app {

struct HttpServerOptions {
  RequestLimits limits;
  /// Connections served at once (one thread each); more wait for a thread to be free.
  std::size_t max_threads = 64;
  std::size_t idle_threads_kept = 2;
  std::chrono::milliseconds idle_thread_exit = std::chrono::seconds(10);
  /// For each read of a request under way, and for the first request of a connection.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(5);
  /// For a whole request, from its first byte to its last: a client that trickles a byte now
  /// and then (never silent for read_timeout) holds a thread no longer than this.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  /// For each wait for room to write; a client that reads nothing for this long is dropped.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(5);
  /// Silence allowed between two requests of a connection.
  std::chrono::milliseconds keep_alive_timeout = std::chrono::seconds(2);
  std::size_t keep_alive_max_requests = 100;
  /// SO_SNDBUF of every connection (inherited from the listener); 0: the kernel's autotuning.
  int send_buffer_bytes = 0;
};

class HttpServer {
 public:
  /// Fills `response` for an error the server answers itself: status and a one-line message.
  using ErrorPage =
      std::function<void(int status, const std::string& message, HttpResponse& response)>;
  /// Called after each request is answered (from the connection's thread).
  using RequestLog = std::function<void(const HttpRequest& request, const HttpResponse& response)>;

  /// `router` must outlive the server.
  HttpServer(const Router& router, HttpServerOptions options, ErrorPage error_page,
             RequestLog request_log = {});
  /// stop()s.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens on host:port (port 0: any free port; SO_REUSEADDR but never
  /// SO_REUSEPORT, so a port another process listens on is an error, not a shared port).
  /// Connections queue from now on (backlog SOMAXCONN) until start(). Returns the port bound;
  /// throws std::runtime_error with the system's reason.
  std::uint16_t bind(const std::string& host, std::uint16_t port);
  /// Starts accepting, on a thread of the server's.
  void start();
  /// Stops accepting, ends every connection at its next wait, and joins every thread.
  void stop();

 private:
  void accept_loop();
  void serve(int fd);
  [[nodiscard]] HttpResponse respond(HttpRequest& request);
  /// Answers 408 with `why`, then closes the connection gracefully.
  void answer_timeout(int fd, const std::string& why);
  [[nodiscard]] HttpResponse error_response(int status, const std::string& message) const;
  /// Sends the response's head and body (or stream); false when the connection broke.
  bool write_response(int fd, const HttpRequest* request, HttpResponse& response, bool keep_alive);
  void stream_body(int fd, HttpResponse& response);
  void close_gracefully(int fd);

  const Router& router_;
  const HttpServerOptions options_;
  ErrorPage error_page_;
  RequestLog request_log_;
  UniqueFd listener_;
  UniqueFd stop_fd_;
  ElasticTaskQueue connections_;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
};

}  // namespace convoy::app
