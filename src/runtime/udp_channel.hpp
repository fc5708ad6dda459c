// UdpChannel: the transport's one UDP socket. A receive loop hands every datagram to the
// handler and re-arms no matter what the socket reported (an ICMP "port unreachable" from an
// earlier send can surface as an error on the next receive; it must not stop reception). Sends
// are synchronous and non-blocking: the caller's bytes are sent before send() returns, nothing
// is queued, and a full socket buffer is a counted drop, which UDP's contract allows anyway.
//
// Lifetime: held by shared_ptr; the pending receive holds one too, so a completion that arrives
// after the Transport is gone still finds a live buffer and socket. close() severs the handler,
// so nothing is delivered after it.
#pragma once

#include "runtime/asio_config.hpp"
#include "runtime/transport_counters.hpp"
#include "runtime/transport_handler.hpp"

#include <convoy/address.hpp>

#include <asio/ip/udp.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace convoy::runtime {

class UdpChannel : public std::enable_shared_from_this<UdpChannel> {
 public:
  /// `socket` is bound and non-blocking.
  UdpChannel(asio::ip::udp::socket socket, std::size_t max_datagram,
             std::shared_ptr<TransportCounters> counters, TransportHandler& handler);

  void start();
  void send(const Address& to, std::span<const std::uint8_t> bytes);
  /// Idempotent. No handler call happens after it.
  void close();

 private:
  void receive_next();
  void on_received(const std::error_code& ec, std::size_t size);

  asio::ip::udp::socket socket_;
  asio::ip::udp protocol_;  // the bound family, which decides how an IPv4 destination is written
  std::size_t max_datagram_;
  std::shared_ptr<TransportCounters> counters_;
  TransportHandler* handler_;  // null once closed
  // One byte more than the largest accepted datagram: a read that fills it was truncated.
  std::vector<std::uint8_t> buffer_;
  asio::ip::udp::endpoint sender_;
};

}  // namespace convoy::runtime
