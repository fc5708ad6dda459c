// Sealer: the sealed envelope, authenticated encryption of one packet (a datagram, or one stream
// frame's message) with XChaCha20-Poly1305 (libsodium's IETF construction). A member that has a
// keyring wraps every plaintext envelope (wire/codec.hpp) in one of these; a receiver opens it
// before anything is parsed, so a packet that fails authentication is dropped and counted, never
// decoded.
//
//   offset 0       4     5             9          13                        37
//          +-------+-----+-------------+----------+-------------------------+------------------+
//          | CNVS  | 1   | cluster tag | key id   | nonce (24 bytes)        | ciphertext + tag |
//          +-------+-----+-------------+----------+-------------------------+------------------+
//
// - magic "CNVS" tells a sealed packet from a plaintext one ("CNVY") on the same port, which is
//   what lets a cluster move between plaintext and sealed without downtime;
// - cluster tag: the first 4 bytes of BLAKE2b-128(cluster name), so a packet of another
//   cluster that shares the key is refused as "other_cluster", not as a forgery;
// - key id: the sealing key's id (key.hpp), big-endian, so the receiver picks its key at once;
// - nonce: 16 random bytes drawn when the Sealer is made, then a 64-bit big-endian counter,
//   so no nonce repeats under one key without a system call per packet;
// - the associated data is bytes 0..36 followed by the whole cluster name: tag, id, nonce and
//   name are all authenticated, the tag being only a hint for the error message.
//
// Overhead: 37 header bytes + 16 bytes of Poly1305 tag = 53 bytes per packet.
#pragma once

#include "crypto/keyring.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::crypto {

inline constexpr std::array<std::uint8_t, 4> kSealedMagic{'C', 'N', 'V', 'S'};
inline constexpr std::uint8_t kSealedVersion = 1;
inline constexpr std::size_t kSealedHeaderSize = 37;
inline constexpr std::size_t kSealOverhead = kSealedHeaderSize + 16;
/// Longer cluster names are refused when a Sealer is made.
inline constexpr std::size_t kMaxClusterName = 255;

/// True when `bytes` begins with the sealed magic (whatever follows).
[[nodiscard]] bool looks_sealed(std::span<const std::uint8_t> bytes);

/// Why open() refused a packet; the names are the metric labels.
enum class OpenError : std::uint8_t {
  too_short,            ///< shorter than the header and the tag ("sealed_too_short")
  unsupported_version,  ///< a version byte other than 1 ("sealed_unsupported_version")
  other_cluster,        ///< the cluster tag is not ours ("other_cluster")
  unknown_key,          ///< no key with that id in the keyring ("unknown_key")
  forged,               ///< authentication failed: tampered, truncated, or a wrong key ("forged")
};
inline constexpr std::size_t kOpenErrorCount = 5;
[[nodiscard]] std::string_view to_string(OpenError error);

class Sealer {
 public:
  /// Throws std::invalid_argument when the name is longer than kMaxClusterName.
  explicit Sealer(std::string cluster_name);
  // Neither copied nor moved: a copy (or a moved-from original) would draw the same nonces as
  // the Sealer it came from, and a nonce used twice under one key gives the key stream and the
  // authenticator away. Hold one in place (a member, std::optional::emplace, std::unique_ptr).
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  [[nodiscard]] const std::string& cluster_name() const { return cluster_name_; }

  /// Seals `plaintext` with `key` into `out` (resized to plaintext.size() + kSealOverhead),
  /// which must not share memory with `plaintext` (asserted in debug builds).
  /// Not const: every call takes the next nonce.
  void seal(const Key& key, std::span<const std::uint8_t> plaintext,
            std::vector<std::uint8_t>& out);

  /// Opens `sealed` with the keyring's key of the id it names, into `out` (resized to the
  /// plaintext's size), which must not share memory with `sealed` (asserted in debug builds).
  /// nullopt on success; otherwise why, and `out` is empty.
  [[nodiscard]] std::optional<OpenError> open(const Keyring& keyring,
                                              std::span<const std::uint8_t> sealed,
                                              std::vector<std::uint8_t>& out) const;

 private:
  std::string cluster_name_;
  std::array<std::uint8_t, 4> cluster_tag_{};
  std::array<std::uint8_t, 16> nonce_prefix_{};
  std::uint64_t counter_ = 0;
};

}  // namespace convoy::crypto
