// TcpConnection: see the header for what is bounded and why.
#include "runtime/tcp_connection.hpp"

#include "runtime/address_endpoint.hpp"

#include <asio/write.hpp>

#include <algorithm>
#include <cassert>
#include <utility>

namespace convoy::runtime {
namespace {

// One write gathers queued frames up to these bounds (or takes one frame, however large). The
// byte bound keeps "a write must finish within io_timeout" about a write's size, not the
// queue's; the frame bound keeps the gather list within one writev (Asio passes 64 buffers, two
// per frame).
constexpr std::size_t max_batch_bytes = 256 * 1024;
constexpr std::size_t max_batch_frames = 32;

}  // namespace

TcpConnection::ReadScratch::ReadScratch()
    : bytes_(std::make_unique_for_overwrite<std::uint8_t[]>(size)) {}

TcpConnection::TcpConnection(asio::ip::tcp::socket socket, StreamId id, const Address& peer,
                             const Limits& limits, std::shared_ptr<TransportCounters> counters,
                             std::shared_ptr<const ReadScratch> scratch, Owner& owner)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      id_(id),
      peer_(peer),
      limits_(limits),
      counters_(std::move(counters)),
      owner_(&owner),
      state_(State::connecting),
      scratch_(std::move(scratch)),
      decoder_(limits.max_frame) {}

void TcpConnection::start() {
  std::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // protocol messages are small
  // on_readable() reads synchronously: it must get would_block, never wait.
  std::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) {
    close(CloseReason::stream_error);
    return;
  }
  state_ = State::open;
  last_activity_ = Clock::now();
  read_next();
  schedule_check();
}

void TcpConnection::connect() {
  connect_deadline_ = Clock::now() + limits_.connect_timeout;
  schedule_check();
  socket_.async_connect(
      asio::ip::tcp::endpoint(to_ip(peer_), peer_.port),
      [self = shared_from_this()](const std::error_code& ec) { self->on_connected(ec); });
}

void TcpConnection::on_connected(const std::error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) {
    close(CloseReason::connect_failed);
    return;
  }
  start();
  if (state_ == State::open && !queue_.empty()) write_next();
}

bool TcpConnection::send(std::vector<std::uint8_t> bytes) {
  if (state_ == State::closed) return false;
  if (bytes.size() > limits_.max_frame) {
    counters_->oversized_frames_out.add();
    return false;
  }
  const std::size_t cost = frame_header_size + bytes.size();
  if (cost > limits_.max_queued_bytes - queued_bytes_) {
    counters_->queue_overflow_drops.add();
    return false;
  }
  // Lossless: max_frame <= max_encodable_frame (validate()).
  const auto length = static_cast<std::uint32_t>(bytes.size());
  queue_.push_back(OutgoingFrame{encode_frame_header(length), std::move(bytes)});
  queued_bytes_ += cost;
  if (state_ == State::open && !writing_) write_next();
  return true;
}

void TcpConnection::close(CloseReason reason) {
  if (state_ == State::closed) return;
  const auto self = shared_from_this();  // the Owner may drop its reference below
  state_ = State::closed;
  count(reason);
  counters_->connections_closed.add();
  counters_->dropped_on_close.add(queue_.size());  // in-flight ones too: delivery is unknown
  // Frames an ongoing write points into are released by its handler, never under it.
  if (!writing_) queue_.clear();
  queued_bytes_ = 0;
  timer_.cancel();
  std::error_code ignored;
  socket_.close(ignored);
  if (Owner* owner = std::exchange(owner_, nullptr)) owner->on_connection_closed(*this, reason);
}

// Wait for readability, then read into the shared scratch: an asynchronous read would need a
// buffer of its own for as long as it is pending, which for an idle connection is its life.
void TcpConnection::read_next() {
  socket_.async_wait(
      asio::socket_base::wait_read,
      [self = shared_from_this()](const std::error_code& ec) { self->on_readable(ec); });
}

void TcpConnection::on_readable(const std::error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) {
    close(CloseReason::stream_error);
    return;
  }
  std::error_code read_ec;
  const std::span<std::uint8_t> scratch = scratch_->bytes();
  const std::size_t size = socket_.read_some(asio::buffer(scratch.data(), scratch.size()), read_ec);
  if (read_ec == asio::error::would_block || read_ec == asio::error::try_again ||
      read_ec == asio::error::interrupted) {
    read_next();  // a spurious wakeup: nothing to read after all
    return;
  }
  on_read(read_ec, size);
}

void TcpConnection::on_read(const std::error_code& ec, std::size_t size) {
  if (state_ == State::closed) return;
  if (ec) {
    close(ec == asio::error::eof ? CloseReason::peer_closed : CloseReason::stream_error);
    return;
  }
  const Clock::time_point now = Clock::now();
  last_activity_ = now;
  const bool frame_was_open = decoder_.mid_frame();
  bool completed_one = false;
  std::span<const std::uint8_t> input = scratch_->bytes().first(size);
  while (!input.empty()) {
    const FrameDecoder::Result result = decoder_.consume(input);
    if (result == FrameDecoder::Result::oversized) {
      close(CloseReason::oversized_frame);
      return;
    }
    if (result == FrameDecoder::Result::frame) {
      completed_one = true;
      const std::span<const std::uint8_t> body = decoder_.frame();
      counters_->frames_in.add();
      counters_->frame_bytes_in.add(body.size());
      owner_->on_connection_message(*this, body);
      if (state_ == State::closed) return;  // the handler closed us (or the whole transport)
    }
  }
  decoder_.trim();  // the frames handed out above are done with
  // The io_timeout clock of a frame starts with its first byte; a frame still arriving from an
  // earlier read keeps the deadline it had.
  if (decoder_.mid_frame() && (completed_one || !frame_was_open)) {
    read_deadline_ = now + limits_.io_timeout;
  }
  schedule_check();
  read_next();
}

void TcpConnection::write_next() {
  assert(state_ == State::open && !writing_ && !queue_.empty());
  write_buffers_.clear();
  in_flight_ = 0;
  in_flight_bytes_ = 0;
  for (const OutgoingFrame& frame : queue_) {
    const std::size_t size = frame_header_size + frame.body.size();
    if (in_flight_ > 0 &&
        (in_flight_ == max_batch_frames || in_flight_bytes_ + size > max_batch_bytes)) {
      break;
    }
    write_buffers_.push_back(asio::buffer(frame.header));
    write_buffers_.push_back(asio::buffer(frame.body));
    ++in_flight_;
    in_flight_bytes_ += size;
  }
  writing_ = true;
  write_deadline_ = Clock::now() + limits_.io_timeout;
  schedule_check();
  asio::async_write(socket_, write_buffers_,
                    [self = shared_from_this()](const std::error_code& ec, std::size_t) {
                      self->on_written(ec);
                    });
}

void TcpConnection::on_written(const std::error_code& ec) {
  writing_ = false;
  if (state_ == State::closed) {
    queue_.clear();  // close() left these for us; dropped_on_close already counted them
    return;
  }
  if (ec) {
    close(CloseReason::stream_error);
    return;
  }
  counters_->frames_out.add(in_flight_);
  counters_->frame_bytes_out.add(in_flight_bytes_ - in_flight_ * frame_header_size);
  queued_bytes_ -= in_flight_bytes_;
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(in_flight_));
  in_flight_ = 0;
  in_flight_bytes_ = 0;
  last_activity_ = Clock::now();
  if (!queue_.empty()) write_next();
  schedule_check();
}

TcpConnection::Clock::time_point TcpConnection::next_deadline() const {
  if (state_ == State::connecting) return connect_deadline_;
  if (!busy()) return last_activity_ + limits_.idle_timeout;
  Clock::time_point due = Clock::time_point::max();
  if (decoder_.mid_frame()) due = std::min(due, read_deadline_);
  if (writing_) due = std::min(due, write_deadline_);
  return due;
}

std::optional<TcpConnection::CloseReason> TcpConnection::expired_deadline(
    Clock::time_point now) const {
  if (state_ == State::connecting) {
    if (now >= connect_deadline_) return CloseReason::connect_timeout;
    return std::nullopt;
  }
  if (decoder_.mid_frame() && now >= read_deadline_) return CloseReason::read_timeout;
  if (writing_ && now >= write_deadline_) return CloseReason::write_timeout;
  if (!busy() && now >= last_activity_ + limits_.idle_timeout) return CloseReason::idle_timeout;
  return std::nullopt;
}

void TcpConnection::schedule_check() {
  if (state_ == State::closed) return;
  const Clock::time_point due = next_deadline();
  // An armed timer due no later than the earliest deadline will find it when it fires.
  if (timer_waiting_ && due >= timer_.expiry()) return;
  timer_.expires_at(due);  // a wait already pending completes with operation_aborted
  timer_waiting_ = true;
  timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
    if (ec != asio::error::operation_aborted) self->on_timer();
  });
}

void TcpConnection::on_timer() {
  if (state_ == State::closed) return;
  timer_waiting_ = false;
  if (const auto reason = expired_deadline(Clock::now())) {
    close(*reason);
    return;
  }
  schedule_check();
}

void TcpConnection::count(CloseReason reason) {
  switch (reason) {
    case CloseReason::peer_closed:
      counters_->peer_closes.add();
      return;
    case CloseReason::stream_error:
      counters_->stream_errors.add();
      return;
    case CloseReason::connect_failed:
      counters_->connect_failures.add();
      return;
    case CloseReason::connect_timeout:
      counters_->connect_timeouts.add();
      return;
    case CloseReason::read_timeout:
      counters_->read_timeouts.add();
      return;
    case CloseReason::write_timeout:
      counters_->write_timeouts.add();
      return;
    case CloseReason::idle_timeout:
      counters_->idle_timeouts.add();
      return;
    case CloseReason::oversized_frame:
      counters_->oversized_frames_in.add();
      return;
    case CloseReason::transport_closed:
      return;
  }
}

}  // namespace convoy::runtime
