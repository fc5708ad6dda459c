// Shared port: see the header. Socket options, and why:
//   - TCP gets SO_REUSEADDR so a restarted member can listen again while its previous life's
//     connections sit in TIME_WAIT; on Linux it still refuses a port another socket listens on.
//   - UDP does NOT: on UDP, SO_REUSEADDR lets a second socket bind the same port and steal
//     datagrams, which would hide "port in use" and split traffic between two processes.
#include "runtime/shared_port.hpp"

#include "runtime/address_endpoint.hpp"

#include <convoy/error.hpp>

#include <asio/ip/v6_only.hpp>

#include <optional>
#include <string>

namespace convoy::runtime {
namespace {

// How many kernel-picked ports to try before giving up: each retry needs an unrelated program to
// hold exactly the UDP port the kernel just picked for TCP, so a handful is already paranoid.
constexpr int port_zero_attempts = 16;

std::string describe(const asio::ip::address& ip, std::uint16_t port) {
  return to_address(ip, port).to_string();
}

[[noreturn]] void fail(const char* what, const asio::ip::address& ip, std::uint16_t port,
                       const std::error_code& ec) {
  throw Error(ErrorCode::address_unavailable,
              std::string("cannot ") + what + " " + describe(ip, port) + ": " + ec.message());
}

void make_dual_stack_if_wildcard(auto& socket, const asio::ip::address& ip) {
  if (ip.is_v6() && ip.is_unspecified()) {
    std::error_code ignored;  // hosts without IPv4 refuse this; the bind still works for IPv6
    socket.set_option(asio::ip::v6_only(false), ignored);
  }
}

asio::ip::tcp::acceptor listen_tcp(asio::io_context& io, const asio::ip::address& ip,
                                   std::uint16_t port) {
  const asio::ip::tcp::endpoint endpoint(ip, port);
  asio::ip::tcp::acceptor acceptor(io);
  std::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open a TCP socket for", ip, port, ec);
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  make_dual_stack_if_wildcard(acceptor, ip);
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind TCP", ip, port, ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on TCP", ip, port, ec);
  return acceptor;
}

// nullopt when the port is taken (the caller may retry with another port); throws otherwise.
std::optional<asio::ip::udp::socket> bind_udp(asio::io_context& io, const asio::ip::address& ip,
                                              std::uint16_t port) {
  const asio::ip::udp::endpoint endpoint(ip, port);
  asio::ip::udp::socket socket(io);
  std::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (ec) fail("open a UDP socket for", ip, port, ec);
  make_dual_stack_if_wildcard(socket, ip);
  socket.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) return std::nullopt;
  if (ec) fail("bind UDP", ip, port, ec);
  // Sends are synchronous and must never block the io thread: a full socket buffer is a drop.
  socket.non_blocking(true, ec);
  if (ec) fail("configure UDP", ip, port, ec);
  return socket;
}

}  // namespace

SharedPort bind_shared_port(asio::io_context& io, const asio::ip::address& ip, std::uint16_t port) {
  const int attempts = port == 0 ? port_zero_attempts : 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    asio::ip::tcp::acceptor listener = listen_tcp(io, ip, port);
    std::error_code ec;
    const std::uint16_t bound = listener.local_endpoint(ec).port();
    if (ec) fail("read the port of TCP", ip, port, ec);
    if (auto udp = bind_udp(io, ip, bound))
      return SharedPort{std::move(listener), std::move(*udp), bound};
    if (port != 0) {
      throw Error(ErrorCode::address_unavailable,
                  "cannot bind UDP " + describe(ip, port) +
                      ": address already in use (TCP on that port was free)");
    }
  }
  throw Error(ErrorCode::address_unavailable, "cannot bind UDP and TCP on one free port of " +
                                                  ip.to_string() + " after " +
                                                  std::to_string(port_zero_attempts) +
                                                  " tries: every port the kernel offered "
                                                  "for TCP was taken for UDP");
}

}  // namespace convoy::runtime
