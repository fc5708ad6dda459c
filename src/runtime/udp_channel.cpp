// UdpChannel: see the header.
#include "runtime/udp_channel.hpp"

#include "runtime/address_endpoint.hpp"

#include <asio/buffer.hpp>

namespace convoy::runtime {

UdpChannel::UdpChannel(asio::ip::udp::socket socket, std::size_t max_datagram,
                       std::shared_ptr<TransportCounters> counters, TransportHandler& handler)
    : socket_(std::move(socket)),
      protocol_(socket_.local_endpoint().protocol()),
      max_datagram_(max_datagram),
      counters_(std::move(counters)),
      handler_(&handler),
      buffer_(max_datagram + 1) {}

void UdpChannel::start() {
  receive_next();
}

void UdpChannel::close() {
  handler_ = nullptr;
  std::error_code ignored;
  socket_.close(ignored);
}

void UdpChannel::receive_next() {
  socket_.async_receive_from(
      asio::buffer(buffer_), sender_,
      [self = shared_from_this()](const std::error_code& ec, std::size_t size) {
        self->on_received(ec, size);
      });
}

void UdpChannel::on_received(const std::error_code& ec, std::size_t size) {
  if (handler_ == nullptr) return;  // closed: the socket is gone, stop the loop
  if (ec) {
    counters_->datagram_receive_errors.add();
  } else if (size > max_datagram_) {
    counters_->oversized_datagrams_in.add();
  } else {
    counters_->datagrams_in.add();
    counters_->datagram_bytes_in.add(size);
    handler_->on_datagram(to_address(sender_), std::span(buffer_.data(), size));
    if (handler_ == nullptr) return;  // the handler closed the transport
  }
  receive_next();
}

void UdpChannel::send(const Address& to, std::span<const std::uint8_t> bytes) {
  if (handler_ == nullptr) return;
  if (bytes.size() > max_datagram_) {
    counters_->oversized_datagrams_out.add();
    return;
  }
  const auto endpoint = endpoint_for(protocol_, to);
  std::error_code ec;
  if (endpoint) socket_.send_to(asio::buffer(bytes.data(), bytes.size()), *endpoint, 0, ec);
  if (!endpoint || ec) {
    counters_->datagram_send_errors.add();
    return;
  }
  counters_->datagrams_out.add();
  counters_->datagram_bytes_out.add(bytes.size());
}

}  // namespace convoy::runtime
