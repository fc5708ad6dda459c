// TcpListener: the accept loop. It only accepts and hands sockets over; whether a connection is
// admitted (the connection limit) is the Transport's decision, made where the count lives.
// Accept failures that mean "out of resources" (file descriptors, memory) would fail again at
// once and spin the io thread, so the loop backs off briefly before retrying them.
//
// Lifetime as UdpChannel: shared_ptr, kept alive by its pending operations, severed by close().
#pragma once

#include "runtime/asio_config.hpp"
#include "runtime/transport_counters.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <memory>

namespace convoy::runtime {

class TcpListener : public std::enable_shared_from_this<TcpListener> {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void on_accepted(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) = 0;
  };

  /// `acceptor` is bound and listening.
  TcpListener(asio::ip::tcp::acceptor acceptor, std::shared_ptr<TransportCounters> counters,
              Owner& owner);

  void start();
  /// Idempotent. No on_accepted() after it.
  void close();

 private:
  void accept_next();
  void on_accept(const std::error_code& ec, asio::ip::tcp::socket socket);

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  std::shared_ptr<TransportCounters> counters_;
  Owner* owner_;  // null once closed
  asio::ip::tcp::endpoint peer_;
};

}  // namespace convoy::runtime
