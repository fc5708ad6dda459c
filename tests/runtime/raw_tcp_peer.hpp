// RawTcpPeer: a TCP endpoint that speaks no protocol at all, for playing the misbehaving peer:
// half a frame then silence, a huge length prefix, a listener that never reads. Connects and
// writes are synchronous (small, so the kernel takes them at once); reads are asynchronous on the
// test's EventLoop so the transport keeps running while the peer waits.
#pragma once

#include "runtime/address_endpoint.hpp"
#include "runtime/asio_config.hpp"
#include "runtime/frame.hpp"

#include <convoy/address.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace convoy::runtime::testing {

class RawTcpPeer {
 public:
  explicit RawTcpPeer(asio::io_context& io)
      : state_(std::make_shared<State>(asio::ip::tcp::socket(io))) {}
  explicit RawTcpPeer(asio::ip::tcp::socket socket)
      : state_(std::make_shared<State>(std::move(socket))) {}
  ~RawTcpPeer() { close(); }
  RawTcpPeer(const RawTcpPeer&) = delete;
  RawTcpPeer& operator=(const RawTcpPeer&) = delete;

  void connect(const Address& to) {
    state_->socket.connect(asio::ip::tcp::endpoint(to_ip(to), to.port));
  }

  void write(std::span<const std::uint8_t> bytes) {
    asio::write(state_->socket, asio::buffer(bytes.data(), bytes.size()));
  }

  void write_frame(std::span<const std::uint8_t> body) {
    const FrameHeader header = encode_frame_header(static_cast<std::uint32_t>(body.size()));
    write(header);
    write(body);
  }

  /// Reads until the peer closes: received() grows, then closed() becomes true.
  void start_reading() { read_loop(state_); }

  [[nodiscard]] bool closed() const { return state_->closed; }
  [[nodiscard]] const std::vector<std::uint8_t>& received() const { return state_->received; }
  [[nodiscard]] Address local_address() const {
    return to_address(state_->socket.local_endpoint());
  }
  asio::ip::tcp::socket& socket() { return state_->socket; }
  void close() {
    std::error_code ignored;
    state_->socket.close(ignored);
  }

 private:
  // Shared with the pending read's handler, which may run after this peer is gone.
  struct State {
    explicit State(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    std::array<std::uint8_t, 64 * 1024> chunk{};
    std::vector<std::uint8_t> received;
    bool closed = false;
  };

  static void read_loop(std::shared_ptr<State> state) {
    State& s = *state;
    s.socket.async_read_some(asio::buffer(s.chunk), [state = std::move(state)](
                                                        const std::error_code& ec, std::size_t n) {
      if (ec) {
        state->closed = true;
        return;
      }
      state->received.insert(state->received.end(), state->chunk.begin(),
                             state->chunk.begin() + static_cast<std::ptrdiff_t>(n));
      read_loop(state);
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace convoy::runtime::testing
