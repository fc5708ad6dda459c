// TransportHandler: what the transport delivers, and to whom. The runtime's Host implements it
// and feeds the protocol engine; tests implement it to record traffic. Kept apart from
// Transport so that the engine-facing side can be written and faked without sockets.
#pragma once

#include <convoy/address.hpp>

#include <cstdint>
#include <span>

namespace convoy::runtime {

/// Names one TCP connection for the life of a Transport; never reused, never 0.
using StreamId = std::uint64_t;

/// Called on the io_context's thread only. The bytes are valid only during the call. A handler
/// must not throw (the exception would leave io_context::run() with a receive loop unarmed) and
/// must not destroy the Transport; it may call any Transport method, close() included.
class TransportHandler {
 public:
  virtual ~TransportHandler() = default;

  /// One datagram from `from` (the sender's bound UDP address; IPv4-mapped IPv6 senders on a
  /// dual-stack socket are reported as plain IPv4).
  virtual void on_datagram(const Address& from, std::span<const std::uint8_t> bytes) = 0;

  /// One framed message that arrived on connection `stream`. `peer` is the socket's remote
  /// endpoint: for a connection we opened, the address we sent to; for one we accepted, the
  /// peer's EPHEMERAL port, never a member's address. Answer with Transport::reply(stream, ..).
  virtual void on_stream_message(StreamId stream, const Address& peer,
                                 std::span<const std::uint8_t> bytes) = 0;

  /// A connection we opened to `to` never opened (refused, or the connect timed out): what was
  /// queued on it is lost. May be called from within a Transport call (send_stream): a handler
  /// that is mid-way through its own work should defer.
  virtual void on_stream_failed(const Address& /*to*/) {}
};

}  // namespace convoy::runtime
