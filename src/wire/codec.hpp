// Codec: Packet <-> bytes. The envelope is a 4-byte magic, a 1-byte protocol version and then
// the Protocol Buffers encoding of proto/convoy.proto's Packet (see docs/protocol.md). Decoding
// never trusts its input: every rejection has a reason that callers count.
#pragma once

#include "wire/message.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace convoy::wire {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::array<std::uint8_t, 4> kMagic = {'C', 'N', 'V', 'Y'};
inline constexpr std::uint8_t kProtocolVersion = 2;
inline constexpr std::size_t kEnvelopeHeaderSize = kMagic.size() + 1;
/// The digest tree: each level splits a range 2^kDigestLevelBits ways, down to kMaxDigestLevel.
inline constexpr std::uint32_t kDigestLevelBits = 6;
inline constexpr std::uint32_t kMaxDigestLevel = 3;

/// Why an input was rejected. Each has a counter in the node's statistics.
enum class DecodeError : std::uint8_t {
  too_short,            ///< shorter than the envelope header
  bad_magic,            ///< not Convoy traffic
  unsupported_version,  ///< Convoy traffic of a protocol version we do not speak
  oversized,            ///< longer than the caller's limit
  malformed,            ///< the protobuf payload does not parse
  invalid,              ///< parses, but breaks a rule (no body, bad address, unknown status...)
};
inline constexpr std::size_t kDecodeErrorCount = 6;

[[nodiscard]] std::string_view to_string(DecodeError e);

/// Either a packet or the reason there is none.
struct DecodeResult {
  std::optional<Packet> packet;
  DecodeError error = DecodeError::malformed;  ///< meaningful only when !packet
};

/// Encodes with the envelope. Never fails for a valid Packet.
[[nodiscard]] Bytes encode(const Packet& packet);

/// Decodes bytes produced by encode(); `max_size` bounds the accepted input length.
[[nodiscard]] DecodeResult decode(std::span<const std::uint8_t> bytes, std::size_t max_size);

/// Exact number of bytes `update` adds to an encoded Packet's piggyback list.
[[nodiscard]] std::size_t encoded_size(const MemberUpdate& update);
/// Exact number of bytes `delta` adds to an encoded Packet's store-delta list.
[[nodiscard]] std::size_t encoded_size(const StoreDelta& delta);
/// Exact number of bytes `item` adds to a StoreSnapshot's item list.
[[nodiscard]] std::size_t encoded_size(const StoreItem& item);
/// Exact number of bytes `snapshot` adds to a StoreSync's or JoinResponse's snapshot list.
[[nodiscard]] std::size_t encoded_size(const StoreSnapshot& snapshot);

/// Budgeted packing: starts from a packet (body, maybe some updates) and accepts piggybacked
/// updates while the encoded packet stays within `budget` bytes (envelope included).
class Packer {
 public:
  Packer(Packet packet, std::size_t budget);

  /// Appends `update` if it fits; false (and nothing changes) if it would exceed the budget.
  bool try_add(const MemberUpdate& update);
  /// Appends `delta` to the store deltas if it fits; false (and nothing changes) otherwise.
  bool try_add(const StoreDelta& delta);

  /// Bytes still free under the budget.
  [[nodiscard]] std::size_t remaining() const { return budget_ - size_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] const Packet& packet() const { return packet_; }

  /// Encodes the packet; its length is size() ≤ budget (or the bare packet's size if even that
  /// exceeded the budget).
  [[nodiscard]] Bytes finish() const;

 private:
  Packet packet_;
  std::size_t budget_;
  std::size_t size_;
};

}  // namespace convoy::wire
