// TcpConnection: one TCP connection carrying framed messages (frame.hpp) in both directions,
// whichever side opened it. It owns everything that can make a connection hang, and bounds it:
//
//   - connecting: must complete within connect_timeout;
//   - reading: a frame whose first byte arrived must be complete within io_timeout, and a
//     header announcing more than max_frame closes the connection before anything is allocated;
//   - writing: a queue of at most max_queued_bytes (beyond it, messages are dropped), and every
//     write, once started, must complete within io_timeout (a peer that stops reading is cut off
//     instead of pinning our memory);
//   - idling: nothing in flight and no bytes moved for idle_timeout closes it.
//
// All four deadlines share one steady_timer, armed for the earliest one that applies; a check
// when it fires closes the connection if a deadline has passed and re-arms otherwise.
//
// Lifetime: held by shared_ptr, by the Transport's table while open and by every pending
// operation's handler, so buffers outlive the operations that use them. close() severs the
// Owner; after it no callback reaches the Transport, which is what makes destroying a Transport
// with operations in flight safe.
#pragma once

#include "runtime/asio_config.hpp"
#include "runtime/frame.hpp"
#include "runtime/frame_decoder.hpp"
#include "runtime/transport_counters.hpp"
#include "runtime/transport_handler.hpp"

#include <convoy/address.hpp>

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace convoy::runtime {

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  enum class CloseReason : std::uint8_t {
    peer_closed,
    stream_error,
    connect_failed,
    connect_timeout,
    read_timeout,
    write_timeout,
    idle_timeout,
    oversized_frame,
    transport_closed,
  };

  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void on_connection_message(TcpConnection& connection,
                                       std::span<const std::uint8_t> bytes) = 0;
    /// Called once, from close(), whatever the reason.
    virtual void on_connection_closed(TcpConnection& connection, CloseReason reason) = 0;
  };

  struct Limits {
    std::size_t max_frame = 0;
    std::size_t max_queued_bytes = 0;
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds io_timeout{};
    std::chrono::milliseconds idle_timeout{};
  };

  /// What the connections of one transport read into, shared: an idle connection (a joiner's,
  /// kept open for the idle timeout; a seed holds one per joiner) then costs no read buffer of
  /// its own. Sharing is safe because the connections of a transport run on one thread and a
  /// connection reads only when its socket is readable, consuming the bytes (handing out
  /// complete frames, copying a partial one) before it returns.
  class ReadScratch {
   public:
    ReadScratch();
    [[nodiscard]] std::span<std::uint8_t> bytes() const { return {bytes_.get(), size}; }

   private:
    // Per read: large enough that a multi-megabyte frame costs few wakeups.
    static constexpr std::size_t size = 64 * 1024;
    // Not zeroed: the kernel fills only what it receives.
    std::unique_ptr<std::uint8_t[]> bytes_;
  };

  /// `socket` is connected (accepted) or not yet open (to be connect()ed to `peer`).
  TcpConnection(asio::ip::tcp::socket socket, StreamId id, const Address& peer,
                const Limits& limits, std::shared_ptr<TransportCounters> counters,
                std::shared_ptr<const ReadScratch> scratch, Owner& owner);

  /// For an accepted socket: start reading and the idle clock.
  void start();
  /// For an outgoing connection: connect to peer(). Messages sent meanwhile wait in the queue.
  void connect();

  /// Queues one message. False (and counted) if it is larger than max_frame, the queue is full,
  /// or the connection is closed.
  bool send(std::vector<std::uint8_t> bytes);

  /// Idempotent. Drops (and counts) whatever is still queued, then tells the Owner.
  void close(CloseReason reason);

  [[nodiscard]] StreamId id() const { return id_; }
  /// For a connection we opened, the destination; for one we accepted, the remote endpoint.
  [[nodiscard]] const Address& peer() const { return peer_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class State : std::uint8_t { connecting, open, closed };
  struct OutgoingFrame {
    FrameHeader header;
    std::vector<std::uint8_t> body;
  };

  void on_connected(const std::error_code& ec);
  void read_next();
  void on_readable(const std::error_code& ec);
  void on_read(const std::error_code& ec, std::size_t size);
  void write_next();
  void on_written(const std::error_code& ec);

  [[nodiscard]] bool busy() const { return writing_ || decoder_.mid_frame(); }
  [[nodiscard]] Clock::time_point next_deadline() const;
  [[nodiscard]] std::optional<CloseReason> expired_deadline(Clock::time_point now) const;
  void schedule_check();
  void on_timer();
  void count(CloseReason reason);

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  StreamId id_;
  Address peer_;
  Limits limits_;
  std::shared_ptr<TransportCounters> counters_;
  Owner* owner_;  // null once closed
  State state_;

  std::shared_ptr<const ReadScratch> scratch_;
  FrameDecoder decoder_;

  // Frames waiting to be written; the first `in_flight_` are being written now. A deque, so
  // that appending never moves the frames an ongoing write points into.
  std::deque<OutgoingFrame> queue_;
  std::size_t queued_bytes_ = 0;  // prefixes included, in-flight frames included
  std::size_t in_flight_ = 0;
  std::size_t in_flight_bytes_ = 0;
  std::vector<asio::const_buffer> write_buffers_;
  bool writing_ = false;

  bool timer_waiting_ = false;
  Clock::time_point connect_deadline_{};
  Clock::time_point read_deadline_{};
  Clock::time_point write_deadline_{};
  Clock::time_point last_activity_{};
};

}  // namespace convoy::runtime
