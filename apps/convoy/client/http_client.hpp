// HttpClient: the client side of HTTP/1.1 for the CLI, `convoy watch` and `convoy demo`, on a
// blocking socket: one request per connection ("Connection: close"; the agent is local and a
// CLI call makes one or two requests), every wait bounded (connect, each read, each write) and
// interruptible by stop() from another thread. Responses are parsed by http-parser
// (MessageParser): Content-Length, chunked and close-delimited bodies alike. stream() hands the
// body to a callback as it arrives, for event streams that never end by themselves.
//
// Every failure is an HttpClientError whose message is one line a person can act on:
// "cannot connect to 127.0.0.1:7947: Connection refused".
#pragma once

#include "http1/http_headers.hpp"
#include "http1/unique_fd.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace convoy::app {

class HttpClientError : public std::runtime_error {
 public:
  /// `reason`: the cause alone ("Connection refused"), for a caller that words its own line.
  HttpClientError(const std::string& what, std::string reason)
      : std::runtime_error(what), reason_(std::move(reason)) {}
  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(2);
  /// For each wait for the next bytes of the response.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  /// For each wait for room to send the request.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(10);
};

struct HttpReply {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

class HttpClient {
 public:
  /// `host`: a name or an IP literal (IPv6 without brackets).
  HttpClient(std::string host, std::uint16_t port, HttpClientOptions options = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// "host:port", as errors name it.
  [[nodiscard]] const std::string& address() const { return address_; }

  /// Sends one request and reads its whole response. `target`: path and query, already
  /// percent-encoded. Throws HttpClientError.
  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {}, const HttpHeaders& headers = {});

  /// How a stream() ended, once its response's head had arrived.
  enum class StreamEnd {
    complete,  ///< the body ended (the server closed the connection, or its length was reached)
    enough,    ///< on_body returned false
    stopped,   ///< stop() was called
    broken,    ///< the connection failed or went silent for read_timeout
  };
  using HeadHandler = std::function<void(int status, const HttpHeaders& headers)>;
  using BodyHandler = std::function<bool(std::string_view bytes)>;
  /// Sends a GET and hands its response over as it comes: the head to on_head (once), then the
  /// body's bytes to on_body until it ends or on_body returns false. Throws HttpClientError
  /// when no head arrives (cannot connect, no answer, stopped before it).
  StreamEnd stream(const std::string& target, const HttpHeaders& headers,
                   const HeadHandler& on_head, const BodyHandler& on_body);

  /// Interrupts the request or stream running on another thread (each wait of it returns at
  /// once). Has no effect on a request started later.
  void stop();

 private:
  struct Exchange;
  StreamEnd exchange(Exchange& exchange);
  [[nodiscard]] UniqueFd connect();
  [[noreturn]] void fail(const std::string& what, const std::string& reason) const;

  std::string host_;
  std::uint16_t port_;
  std::string address_;
  HttpClientOptions options_;
  UniqueFd stop_fd_;
};

}  // namespace convoy::app
