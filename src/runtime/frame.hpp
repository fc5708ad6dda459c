// Frame: how one stream message is laid out on a TCP connection. TCP delivers a byte stream,
// so message boundaries must be written into it: a 4-byte big-endian length, then that many
// bytes. Big-endian because it is the network's convention and what a reader of a packet capture
// expects. A zero-length frame is a valid, empty message: the transport gives no meaning to any
// content, so it neither forbids nor special-cases the empty one.
//
//   0               1               2               3
//   +---------------+---------------+---------------+---------------+----------------
//   |              length L (unsigned, big-endian)                  | L bytes ...
//   +---------------+---------------+---------------+---------------+----------------
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace convoy::runtime {

/// Bytes of the length prefix in front of every stream message.
inline constexpr std::size_t frame_header_size = 4;

/// The largest length the prefix can express; TransportOptions::max_frame may not exceed it.
inline constexpr std::size_t max_encodable_frame = 0xFFFF'FFFFu;

using FrameHeader = std::array<std::uint8_t, frame_header_size>;

[[nodiscard]] constexpr FrameHeader encode_frame_header(std::uint32_t length) {
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

[[nodiscard]] constexpr std::uint32_t decode_frame_header(const FrameHeader& header) {
  return (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
         (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
}

}  // namespace convoy::runtime
