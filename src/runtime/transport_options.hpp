// TransportOptions: every knob of the network transport, with its default and its limits in one
// place. validate() refuses values the transport could not honour (a zero timeout, a queue too
// small for the largest frame) at construction, instead of letting them surface later as a
// connection that can never send or a deadline that overflows.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace convoy::runtime {

struct TransportOptions {
  /// Where to listen: an IP ("127.0.0.1", "::1", "[::1]"), a wildcard ("0.0.0.0", "::") or a
  /// host name (resolved once, at construction; the resolver's first answer is used). A "::"
  /// bind is made dual-stack, so it also receives IPv4.
  std::string bind_host = "0.0.0.0";
  /// 0 picks a free port. UDP and TCP always share the one port number.
  std::uint16_t port = 0;
  /// What other members should use to reach us. Unset: the bound IP, or for a wildcard bind an
  /// address picked from the machine's interfaces (see advertise_address.hpp). The advertised
  /// port is always the bound port.
  std::optional<std::string> advertise_host;
  /// Larger datagrams are dropped on receive and refused on send. 65,507 is IPv4's UDP limit.
  std::size_t max_datagram = 65507;
  /// Bound on one stream message. A peer announcing more has its connection closed. At most
  /// 2^32 - 1 (what the 4-byte length prefix can express).
  std::size_t max_frame = 8u << 20;
  /// Incoming and outgoing connections open (or connecting) at once; beyond it incoming ones are
  /// closed on accept and sends needing a new connection are dropped. Bounds file descriptors
  /// and memory (each connection holds a read buffer and up to max_queued_bytes).
  std::size_t max_connections = 256;
  /// Per connection, bytes waiting to be written (prefixes included); beyond it messages are
  /// dropped. Must be at least max_frame + 4, or the largest message could never be sent.
  std::size_t max_queued_bytes = 16u << 20;
  /// A connect that has not completed by then is abandoned.
  std::chrono::milliseconds connect_timeout{3000};
  /// A frame whose first byte has arrived must be complete within this, and so must every write
  /// once started (a write carries at most one large frame or a batch of small ones); otherwise
  /// the connection is closed. This is what cuts off a peer that stops mid-frame or stops reading.
  std::chrono::milliseconds io_timeout{10000};
  /// A connection with nothing in flight and no bytes moved for this long is closed.
  std::chrono::milliseconds idle_timeout{60000};
};

/// Throws convoy::Error(ErrorCode::invalid_config) naming the first field out of range.
void validate(const TransportOptions& options);

}  // namespace convoy::runtime
