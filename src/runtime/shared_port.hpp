// Shared port: a TCP listener and a UDP socket bound to the same IP and port number. Members
// advertise one address and reach each other on it over both protocols, so the two must never
// drift apart. With port 0 the kernel picks TCP's port, and UDP takes the same number; that
// number can already be taken for UDP by an unrelated program, in which case both are released
// and the pair is tried again on a new port, a bounded number of times.
#pragma once

#include "runtime/asio_config.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include <cstdint>

namespace convoy::runtime {

struct SharedPort {
  asio::ip::tcp::acceptor listener;  ///< bound and listening
  asio::ip::udp::socket datagrams;   ///< bound, non-blocking
  std::uint16_t number = 0;          ///< the port both are bound to (never 0)
};

/// Binds both on `ip`:`port` (port 0: any free port, the same for both). An IPv6 wildcard is
/// made dual-stack explicitly rather than left to the host's default. Throws
/// convoy::Error(address_unavailable) naming the address and the protocol that failed.
[[nodiscard]] SharedPort bind_shared_port(asio::io_context& io, const asio::ip::address& ip,
                                          std::uint16_t port);

}  // namespace convoy::runtime
