// TransportStats: what the transport counts instead of logging. This layer sits on the hot path
// of every packet, so it never logs; a drop, a timeout or a refused connection shows up here and
// the runtime above decides what to export or log. Counters only grow. Invariant, once every
// connection has ended: connections_opened + connections_accepted == connections_closed.
#pragma once

#include <cstdint>

namespace convoy::runtime {

struct TransportStats {
  // Datagrams (UDP).
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagram_bytes_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t datagram_bytes_out = 0;
  std::uint64_t oversized_datagrams_in = 0;   ///< received, larger than max_datagram: dropped
  std::uint64_t oversized_datagrams_out = 0;  ///< larger than max_datagram: not sent
  std::uint64_t datagram_send_errors = 0;     ///< the OS refused a send (full buffer, no route..)
  std::uint64_t datagram_receive_errors = 0;  ///< e.g. an ICMP error surfaced on the socket

  // Stream messages (framed, over TCP).
  std::uint64_t frames_in = 0;
  std::uint64_t frame_bytes_in = 0;  ///< bodies only, without the 4-byte prefixes
  std::uint64_t frames_out = 0;      ///< handed to the kernel in full
  std::uint64_t frame_bytes_out = 0;
  std::uint64_t oversized_frames_in = 0;     ///< a peer announced more than max_frame: closed
  std::uint64_t oversized_frames_out = 0;    ///< larger than max_frame: not sent
  std::uint64_t queue_overflow_drops = 0;    ///< the connection's queue was full: not sent
  std::uint64_t dropped_on_close = 0;        ///< queued, then the connection failed or closed
  std::uint64_t reply_to_closed_drops = 0;   ///< reply() to a connection that no longer exists
  std::uint64_t connection_limit_drops = 0;  ///< send_stream() needed a connection over the limit
  std::uint64_t sends_after_close = 0;       ///< any send or reply after Transport::close()

  // Connections.
  std::uint64_t connections_opened = 0;    ///< outgoing connects started
  std::uint64_t connections_accepted = 0;  ///< incoming, admitted
  std::uint64_t connections_refused = 0;   ///< incoming beyond max_connections: closed at once
  std::uint64_t connections_closed = 0;    ///< every opened or accepted one, once, for any reason
  std::uint64_t connect_failures = 0;      ///< refused, unreachable, ...
  std::uint64_t connect_timeouts = 0;
  std::uint64_t read_timeouts = 0;   ///< a frame begun and not finished within io_timeout
  std::uint64_t write_timeouts = 0;  ///< a write not finished within io_timeout
  std::uint64_t idle_timeouts = 0;
  std::uint64_t peer_closes = 0;    ///< the peer ended the connection cleanly (EOF)
  std::uint64_t stream_errors = 0;  ///< a read or write failed (reset, ...)
  std::uint64_t accept_errors = 0;  ///< accept() failed (e.g. out of file descriptors)
};

}  // namespace convoy::runtime
