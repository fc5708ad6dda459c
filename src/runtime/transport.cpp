// Transport: see the header. The socket work lives in UdpChannel, TcpListener and TcpConnection;
// this file keeps the two tables (connections by StreamId, outgoing ones by destination) and the
// decisions that need them: admit or refuse, reuse or connect, route a reply.
#include "runtime/transport.hpp"

#include "runtime/address_endpoint.hpp"
#include "runtime/address_resolution.hpp"
#include "runtime/advertise_address.hpp"
#include "runtime/shared_port.hpp"

#include <utility>

namespace convoy::runtime {

Transport::Transport(asio::io_context& io, TransportOptions options, TransportHandler& handler)
    : io_(io),
      options_(std::move(options)),
      handler_(handler),
      counters_(std::make_shared<TransportCounters>()) {
  validate(options_);
  // A name may resolve to several addresses; the resolver's first choice is the bind address.
  const asio::ip::address bind_ip = resolve_host(io_, options_.bind_host).front();
  SharedPort port = bind_shared_port(io_, bind_ip, options_.port);
  local_ = to_address(bind_ip, port.number);
  advertise_ = choose_advertise_address(io_, options_.advertise_host, bind_ip, local_.port);
  udp_ = std::make_shared<UdpChannel>(std::move(port.datagrams), options_.max_datagram, counters_,
                                      handler_);
  // The Owner bases are private (nobody else may call them), so the conversion is spelled out
  // here, where access is checked, rather than inside make_shared.
  listener_ = std::make_shared<TcpListener>(std::move(port.listener), counters_,
                                            static_cast<TcpListener::Owner&>(*this));
  udp_->start();
  listener_->start();
}

Transport::~Transport() {
  close();
}

void Transport::send_datagram(const Address& to, std::span<const std::uint8_t> bytes) {
  if (closed_) {
    counters_->sends_after_close.add();
    return;
  }
  udp_->send(to, bytes);
}

std::optional<StreamId> Transport::send_stream(const Address& to, std::vector<std::uint8_t> bytes) {
  if (closed_) {
    counters_->sends_after_close.add();
    return std::nullopt;
  }
  if (const auto found = outgoing_.find(to); found != outgoing_.end()) {
    const StreamId id = found->second;
    if (connections_.at(id)->send(std::move(bytes))) return id;
    return std::nullopt;
  }
  // Checked before a slot is spent on a connection that could never carry it.
  if (bytes.size() > options_.max_frame) {
    counters_->oversized_frames_out.add();
    return std::nullopt;
  }
  if (connections_.size() >= options_.max_connections) {
    counters_->connection_limit_drops.add();
    return std::nullopt;
  }
  const StreamId id = next_stream_id_++;
  auto connection = std::make_shared<TcpConnection>(asio::ip::tcp::socket(io_), id, to,
                                                    connection_limits(), counters_, read_scratch_,
                                                    static_cast<TcpConnection::Owner&>(*this));
  connections_.emplace(id, connection);
  outgoing_.emplace(to, id);
  counters_->connections_opened.add();
  connection->send(std::move(bytes));  // queued until connected; cannot overflow an empty queue
  connection->connect();
  return id;
}

void Transport::reply(StreamId stream, std::vector<std::uint8_t> bytes) {
  if (closed_) {
    counters_->sends_after_close.add();
    return;
  }
  const auto found = connections_.find(stream);
  if (found == connections_.end()) {
    counters_->reply_to_closed_drops.add();
    return;
  }
  found->second->send(std::move(bytes));
}

void Transport::close() {
  if (closed_) return;
  closed_ = true;
  udp_->close();
  listener_->close();
  // Moved out first: each close() below calls on_connection_closed(), which edits the tables.
  auto connections = std::exchange(connections_, {});
  outgoing_.clear();
  for (auto& [id, connection] : connections)
    connection->close(TcpConnection::CloseReason::transport_closed);
}

void Transport::on_accepted(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) {
  if (connections_.size() >= options_.max_connections) {
    // Accept-and-close rather than leaving it in the backlog: the peer learns at once, and the
    // backlog keeps room for connections we will be able to take.
    counters_->connections_refused.add();
    std::error_code ignored;
    socket.close(ignored);
    return;
  }
  const StreamId id = next_stream_id_++;
  auto connection = std::make_shared<TcpConnection>(std::move(socket), id, to_address(peer),
                                                    connection_limits(), counters_, read_scratch_,
                                                    static_cast<TcpConnection::Owner&>(*this));
  connections_.emplace(id, connection);
  counters_->connections_accepted.add();
  connection->start();
}

void Transport::on_connection_message(TcpConnection& connection,
                                      std::span<const std::uint8_t> bytes) {
  // Nothing after this call: the handler may close the transport.
  handler_.on_stream_message(connection.id(), connection.peer(), bytes);
}

void Transport::on_connection_closed(TcpConnection& connection, TcpConnection::CloseReason reason) {
  const Address peer = connection.peer();
  connections_.erase(connection.id());
  // Only if it is this connection: an incoming one's peer could equal some destination.
  bool ours = false;
  if (const auto found = outgoing_.find(peer);
      found != outgoing_.end() && found->second == connection.id()) {
    outgoing_.erase(found);
    ours = true;
  }
  // Last: the handler may close the transport.
  if (ours && (reason == TcpConnection::CloseReason::connect_failed ||
               reason == TcpConnection::CloseReason::connect_timeout))
    handler_.on_stream_failed(peer);
}

TcpConnection::Limits Transport::connection_limits() const {
  return TcpConnection::Limits{options_.max_frame, options_.max_queued_bytes,
                               options_.connect_timeout, options_.io_timeout,
                               options_.idle_timeout};
}

}  // namespace convoy::runtime
