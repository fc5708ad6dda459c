// Origin: where a message came from, so that an answer goes back the way the question came. A
// datagram is answered by a datagram to its sender (a UDP source is the sender's own socket); a
// stream message is answered on its connection, because the peer address of a connection is an
// ephemeral port, never the member's address.
#pragma once

#include "core/environment.hpp"

#include <convoy/address.hpp>

#include <cstdint>

namespace convoy::core {

struct Origin {
  enum class Path : std::uint8_t { datagram, stream };

  Path path = Path::datagram;
  /// Datagram: the sender's address. Stream: the connection's peer, good for logs only.
  Address from;
  /// Stream: the connection to answer on.
  StreamId stream = 0;

  [[nodiscard]] static Origin datagram(const Address& from) {
    return Origin{Path::datagram, from, 0};
  }
  [[nodiscard]] static Origin connection(StreamId stream, const Address& peer) {
    return Origin{Path::stream, peer, stream};
  }
};

}  // namespace convoy::core
