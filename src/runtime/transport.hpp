// Transport: the protocol engine's window onto a real network. The engine sends and receives
// opaque bytes as datagrams (UDP, may be lost) and stream messages (framed TCP, reliable and
// ordered per connection); this class moves those bytes and nothing else. It knows no message
// type, which is why it depends on no layer above the public types.
//
// What it adds on top of sockets: one port for both protocols (shared_port.hpp), an address
// others can reach us on (advertise_address.hpp), outgoing connections reused per destination,
// replies routed to the connection a message came in on, and a bound on everything that could
// grow or hang (tcp_connection.hpp), each overrun counted in stats() rather than logged.
//
// Threading: every method except stats() must be called on the io_context's thread, and the
// handler is called only there; the runtime runs one thread per io_context and posts onto it.
// stats() may be called from any thread. Destroy the Transport on the io thread too (or after
// that thread has stopped), before the io_context; completions still queued in the io_context
// are then harmless: they hold their own socket objects and no longer reach the Transport.
#pragma once

#include "runtime/asio_config.hpp"
#include "runtime/tcp_connection.hpp"
#include "runtime/tcp_listener.hpp"
#include "runtime/transport_counters.hpp"
#include "runtime/transport_handler.hpp"
#include "runtime/transport_options.hpp"
#include "runtime/transport_stats.hpp"
#include "runtime/udp_channel.hpp"

#include <convoy/address.hpp>

#include <asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace convoy::runtime {

class Transport final : private TcpListener::Owner, private TcpConnection::Owner {
 public:
  /// Binds UDP and TCP on one port and starts receiving. Resolves host names synchronously.
  /// Throws convoy::Error: invalid_config for bad options, address_unavailable when binding
  /// fails or no address can be advertised.
  Transport(asio::io_context& io, TransportOptions options, TransportHandler& handler);
  ~Transport() override;

  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// The bound IP and the actual port (never 0).
  [[nodiscard]] Address local_address() const { return local_; }
  /// What to tell others: never a wildcard; the port is the bound port.
  [[nodiscard]] Address advertise_address() const { return advertise_; }

  /// Best effort: a send the OS refuses, or one larger than max_datagram, is dropped and counted.
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes);

  /// A reliable message to `to` (a member's advertised address), on the open outgoing
  /// connection to `to` if there is one, else on a new one. Messages to one destination arrive
  /// in order while that connection lives; if it fails, what it still had queued is dropped and
  /// counted (the protocol above recovers; nothing is retried here). Replies the peer sends on
  /// the connection arrive through on_stream_message with the returned StreamId.
  /// Returns nullopt when the message was dropped at once (closed, too large, queue full,
  /// connection limit); a StreamId means queued, not delivered.
  std::optional<StreamId> send_stream(const Address& to, std::vector<std::uint8_t> bytes);

  /// Answers on exactly connection `stream` (incoming or outgoing). Dropped and counted if that
  /// connection has closed.
  void reply(StreamId stream, std::vector<std::uint8_t> bytes);

  /// Stops accepting and receiving, closes every socket, drops what is queued. Idempotent; the
  /// handler is never called after it, and later sends are dropped and counted.
  void close();

  /// Any thread.
  [[nodiscard]] TransportStats stats() const { return counters_->snapshot(); }

 private:
  void on_accepted(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) override;
  void on_connection_message(TcpConnection& connection,
                             std::span<const std::uint8_t> bytes) override;
  void on_connection_closed(TcpConnection& connection, TcpConnection::CloseReason reason) override;

  [[nodiscard]] TcpConnection::Limits connection_limits() const;

  asio::io_context& io_;
  TransportOptions options_;
  TransportHandler& handler_;
  std::shared_ptr<TransportCounters> counters_;
  // Held by every connection too: one may outlive the transport by a pending handler.
  std::shared_ptr<const TcpConnection::ReadScratch> read_scratch_ =
      std::make_shared<const TcpConnection::ReadScratch>();
  Address local_;
  Address advertise_;
  std::shared_ptr<UdpChannel> udp_;
  std::shared_ptr<TcpListener> listener_;
  // Every open or connecting connection, incoming and outgoing: its size is what
  // max_connections bounds.
  std::unordered_map<StreamId, std::shared_ptr<TcpConnection>> connections_;
  // The outgoing connection to each destination, for reuse; a subset of connections_.
  std::unordered_map<Address, StreamId> outgoing_;
  StreamId next_stream_id_ = 1;
  bool closed_ = false;
};

}  // namespace convoy::runtime
