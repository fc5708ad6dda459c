// Test peers for the HTTP layer: a raw client connection (bytes in, bytes out, responses read
// with MessageParser) and a scripted server that answers whatever it is asked with canned bytes.
// Both on 127.0.0.1, with timeouts, so a broken server or client fails a test instead of
// hanging it.
#pragma once

#include "http1/message_parser.hpp"
#include "http1/socket_io.hpp"
#include "http1/unique_fd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace convoy::app::testing {

using namespace std::chrono_literals;

inline UniqueFd connect_loopback(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect failed");
  return fd;
}

/// A client connection driven byte by byte.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(connect_loopback(port)) {}

  void send(const std::string& bytes) {
    if (send_all(fd_.get(), bytes, 5s, -1).status != IoStatus::ok)
      throw std::runtime_error("send failed");
  }
  /// The next response, or nullopt when the connection ended (or nothing came within 5 s).
  std::optional<ParsedMessage> response(std::chrono::milliseconds timeout = 5s) {
    for (;;) {
      rest_.erase(0, parser_.feed(rest_));
      if (parser_.state() == ParseState::complete) return parser_.take();
      if (parser_.state() != ParseState::incomplete) return std::nullopt;
      char buffer[16384];
      const IoResult got = receive(fd_.get(), buffer, sizeof buffer, timeout, -1);
      if (got.status == IoStatus::closed) {
        parser_.finish();
        if (parser_.state() == ParseState::complete) return parser_.take();
        return std::nullopt;
      }
      if (got.status != IoStatus::ok) return std::nullopt;
      rest_.append(buffer, got.bytes);
    }
  }
  /// Everything until the server closes (for at most `timeout`); "" if it did not close.
  std::string until_closed(std::chrono::milliseconds timeout = 5s) {
    std::string out = rest_;
    rest_.clear();
    char buffer[16384];
    for (;;) {
      const IoResult got = receive(fd_.get(), buffer, sizeof buffer, timeout, -1);
      if (got.status == IoStatus::closed) return out;
      if (got.status != IoStatus::ok) return "";
      out.append(buffer, got.bytes);
    }
  }
  /// Whether the server closed the connection within `timeout` (reading what was still there).
  bool closed_within(std::chrono::milliseconds timeout) {
    char buffer[16384];
    for (;;) {
      const IoResult got = receive(fd_.get(), buffer, sizeof buffer, timeout, -1);
      if (got.status == IoStatus::closed) return true;
      if (got.status != IoStatus::ok) return false;
    }
  }
  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  MessageParser parser_{MessageParser::Kind::response, {}};
  std::string rest_;
};

/// A one-connection-at-a-time server that reads a request's head (and the body its
/// Content-Length announces) and then runs a script on the connection.
class ScriptedServer {
 public:
  using Script = std::function<void(int fd, const std::string& request)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_.get(), 16) != 0)
      throw std::runtime_error("cannot listen");
    socklen_t length = sizeof addr;
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    stop_ = UniqueFd(make_stop_fd());
    thread_ = std::thread([this] { run(); });
  }
  ~ScriptedServer() {
    signal_stop(stop_.get());
    thread_.join();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// The requests received so far, raw.
  [[nodiscard]] std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Waits on the server's stop descriptor: a script that holds a connection open uses it.
  void wait_until_stopped(std::chrono::milliseconds most) const {
    (void)wait_for(stop_.get(), POLLIN, most, -1);
  }

 private:
  void run() {
    for (;;) {
      if (wait_for(listener_.get(), POLLIN, 10s, stop_.get()) != IoStatus::ok) return;
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      std::string request;
      char buffer[16384];
      while (!complete(request)) {
        const IoResult got = receive(fd.get(), buffer, sizeof buffer, 5s, stop_.get());
        if (got.status != IoStatus::ok) break;
        request.append(buffer, got.bytes);
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      script_(fd.get(), request);
    }
  }

  static bool complete(const std::string& request) {
    const auto end = request.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const auto cl = request.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) return true;
    return request.size() >= end + 4 + std::stoul(request.substr(cl + 16));
  }

  Script script_;
  UniqueFd listener_;
  UniqueFd stop_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

/// Writes `bytes` to a connection (a script's reply).
inline void reply(int fd, const std::string& bytes) {
  (void)send_all(fd, bytes, 5s, -1);
}

}  // namespace convoy::app::testing
