// TransportCounters: the live, atomic form of TransportStats. The io thread bumps them; any
// thread may take a snapshot (a metrics endpoint should not have to hop onto the io thread).
// Relaxed atomics: each counter is exact, but a snapshot is not one instant across counters.
// Shared (by shared_ptr) with every socket actor, so a late completion handler that counts
// after the Transport is gone still writes into live memory.
#pragma once

#include "runtime/transport_stats.hpp"

#include <atomic>
#include <cstdint>

namespace convoy::runtime {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// One Counter per TransportStats field, same names, same order.
struct TransportCounters {
  Counter datagrams_in, datagram_bytes_in, datagrams_out, datagram_bytes_out;
  Counter oversized_datagrams_in, oversized_datagrams_out;
  Counter datagram_send_errors, datagram_receive_errors;

  Counter frames_in, frame_bytes_in, frames_out, frame_bytes_out;
  Counter oversized_frames_in, oversized_frames_out;
  Counter queue_overflow_drops, dropped_on_close, reply_to_closed_drops, connection_limit_drops;
  Counter sends_after_close;

  Counter connections_opened, connections_accepted, connections_refused, connections_closed;
  Counter connect_failures, connect_timeouts, read_timeouts, write_timeouts, idle_timeouts;
  Counter peer_closes, stream_errors, accept_errors;

  [[nodiscard]] TransportStats snapshot() const {
    TransportStats s;
    s.datagrams_in = datagrams_in.value();
    s.datagram_bytes_in = datagram_bytes_in.value();
    s.datagrams_out = datagrams_out.value();
    s.datagram_bytes_out = datagram_bytes_out.value();
    s.oversized_datagrams_in = oversized_datagrams_in.value();
    s.oversized_datagrams_out = oversized_datagrams_out.value();
    s.datagram_send_errors = datagram_send_errors.value();
    s.datagram_receive_errors = datagram_receive_errors.value();
    s.frames_in = frames_in.value();
    s.frame_bytes_in = frame_bytes_in.value();
    s.frames_out = frames_out.value();
    s.frame_bytes_out = frame_bytes_out.value();
    s.oversized_frames_in = oversized_frames_in.value();
    s.oversized_frames_out = oversized_frames_out.value();
    s.queue_overflow_drops = queue_overflow_drops.value();
    s.dropped_on_close = dropped_on_close.value();
    s.reply_to_closed_drops = reply_to_closed_drops.value();
    s.connection_limit_drops = connection_limit_drops.value();
    s.sends_after_close = sends_after_close.value();
    s.connections_opened = connections_opened.value();
    s.connections_accepted = connections_accepted.value();
    s.connections_refused = connections_refused.value();
    s.connections_closed = connections_closed.value();
    s.connect_failures = connect_failures.value();
    s.connect_timeouts = connect_timeouts.value();
    s.read_timeouts = read_timeouts.value();
    s.write_timeouts = write_timeouts.value();
    s.idle_timeouts = idle_timeouts.value();
    s.peer_closes = peer_closes.value();
    s.stream_errors = stream_errors.value();
    s.accept_errors = accept_errors.value();
    return s;
  }
};

// A field added to one struct and not the other changes the size of only one of them.
static_assert(sizeof(Counter) == sizeof(std::uint64_t));
static_assert(sizeof(TransportCounters) == sizeof(TransportStats),
              "TransportCounters and TransportStats must list the same counters");

}  // namespace convoy::runtime
