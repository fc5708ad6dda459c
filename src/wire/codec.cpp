// Codec: the envelope, encode() and decode(). With the files beside it (to_pb.cpp, from_pb.cpp,
// encoded_size.cpp, packer.cpp) the only code that knows both the C++ messages (message.hpp) and
// their Protocol Buffers form (proto/convoy.proto). Everything that arrives from the network
// passes through decode(), so it is written to reject, never to trust: no input may crash it,
// throw out of it or yield a Packet that breaks message.hpp's invariants.
//
// Envelope (docs/protocol.md draws it):
//
//   offset 0   1   2   3   4   5                               n
//          +---+---+---+---+---+-------------------------------+
//          | C | N | V | Y | 2 | pb::Packet, protobuf encoding |
//          +---+---+---+---+---+-------------------------------+
//
// The protobuf objects of one call live in a Scratch arena (pb_scratch.hpp). The conversions are in
// to_pb.cpp and from_pb.cpp; what an addition costs a packet in encoded_size.cpp; filling a
// datagram in packer.cpp.
#include "wire/codec.hpp"

#include "wire/pb_conversion.hpp"
#include "wire/pb_scratch.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <utility>

namespace convoy::wire {
namespace {

DecodeResult failure(DecodeError e) {
  return DecodeResult{std::nullopt, e};
}

}  // namespace

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::too_short:
      return "too_short";
    case DecodeError::bad_magic:
      return "bad_magic";
    case DecodeError::unsupported_version:
      return "unsupported_version";
    case DecodeError::oversized:
      return "oversized";
    case DecodeError::malformed:
      return "malformed";
    case DecodeError::invalid:
      return "invalid";
  }
  return "unknown";
}

Bytes encode(const Packet& packet) {
  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  to_pb(packet, msg);
  const std::size_t payload = msg.ByteSizeLong();
  Bytes out(kEnvelopeHeaderSize + payload);
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[kMagic.size()] = kProtocolVersion;
  // ByteSizeLong() above cached the sizes this serializer relies on.
  msg.SerializeWithCachedSizesToArray(out.data() + kEnvelopeHeaderSize);
  return out;
}

DecodeResult decode(std::span<const std::uint8_t> bytes, std::size_t max_size) {
  // Cheapest and most telling checks first; the size limit precedes everything else so that an
  // oversized input is never looked at.
  if (bytes.size() > max_size) return failure(DecodeError::oversized);
  if (bytes.size() < kEnvelopeHeaderSize) return failure(DecodeError::too_short);
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return failure(DecodeError::bad_magic);
  }
  if (bytes[kMagic.size()] != kProtocolVersion) return failure(DecodeError::unsupported_version);

  const auto payload = bytes.subspan(kEnvelopeHeaderSize);
  // Protobuf's parser takes an int length; anything bigger cannot be one of ours.
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) return failure(DecodeError::malformed);

  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  if (!msg.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return failure(DecodeError::malformed);
  }

  Packet packet;
  if (!from_pb(msg, packet)) return failure(DecodeError::invalid);
  return DecodeResult{std::move(packet), DecodeError::malformed};
}

}  // namespace convoy::wire
