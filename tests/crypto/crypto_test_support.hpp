// The vocabulary of the crypto tests: keys made from a seed or from known bytes, the golden values
// computed outside this code base (how each was computed is written beside it), the header's
// field offsets as sealer.hpp draws them, and open() as one comparable outcome.
#pragma once

#include "crypto/key.hpp"
#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::crypto {

// gtest prints an OpenError by name in failure messages.
inline std::ostream& operator<<(std::ostream& os, OpenError e) {
  return os << to_string(e);
}

namespace test {

using Bytes = std::vector<std::uint8_t>;

// Offsets of the sealed header (sealer.hpp), written out again rather than taken from the code,
// so a layout change shows up here.
inline constexpr std::size_t kVersionAt = 4;
inline constexpr std::size_t kTagAt = 5;
inline constexpr std::size_t kKeyIdAt = 9;
inline constexpr std::size_t kNonceAt = 13;
inline constexpr std::size_t kCounterAt = 29;
inline constexpr std::size_t kCiphertextAt = 37;

/// A key whose 32 bytes are `first`, first + 1, ... (mod 256).
inline Key counting_key(std::uint8_t first) {
  std::array<std::uint8_t, kKeySize> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(first + i);
  return Key::from_bytes(bytes);
}

/// A key whose first 8 bytes are `n` little-endian and the rest zero: the keys the collision
/// search below enumerated.
inline Key numbered_key(std::uint64_t n) {
  std::array<std::uint8_t, kKeySize> bytes{};
  for (std::size_t i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return Key::from_bytes(bytes);
}

// ---- Golden values, computed with Python's hashlib (an implementation of BLAKE2b independent
// of libsodium's); golden_values.py, beside this file, prints every one of them:
//   key id:      hashlib.blake2b(b"convoy key id" + key, digest_size=16).digest()[:4], big-endian
//   cluster tag: hashlib.blake2b(name, digest_size=16).digest()[:4]

/// counting_key(0), i.e. bytes 00 01 .. 1f: base64.b64encode(bytes(range(32))).
inline constexpr std::string_view kCountingKeyBase64 =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
inline constexpr KeyId kCountingKeyId = 0xa6d51bed;
/// 32 bytes of 0xff ("//////...8=" in base64) and 32 zero bytes.
inline constexpr KeyId kAllOnesKeyId = 0x90d2aa34;
inline constexpr KeyId kAllZerosKeyId = 0xb374c820;

/// A birthday search over numbered_key(0), numbered_key(1), ... finds the first two keys with
/// one id at 37102 and 53600 (after ~2^16 keys, as a 32-bit id predicts): a collision is cheap
/// to make on purpose, so the keyring's and the sealer's handling of one is tested for real.
inline constexpr std::uint64_t kCollidingKeyA = 37102;
inline constexpr std::uint64_t kCollidingKeyB = 53600;
inline constexpr KeyId kCollidingKeyId = 0x97e9c63b;

/// The same search over names "cluster-0", "cluster-1", ...: two names with one cluster tag.
inline constexpr std::string_view kCollidingNameA = "cluster-2313";
inline constexpr std::string_view kCollidingNameB = "cluster-74794";
inline constexpr std::array<std::uint8_t, 4> kCollidingTag{0x9f, 0xec, 0xa3, 0x33};
inline constexpr std::array<std::uint8_t, 4> kConvoyTag{0x79, 0xec, 0x28, 0xce};  // "convoy"

// ---- Helpers ---------------------------------------------------------------------------------

inline Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

/// `n` bytes that are not all alike, so a misplaced copy shows.
inline Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return b;
}

inline Bytes seal(Sealer& sealer, const Key& key, std::span<const std::uint8_t> plaintext) {
  Bytes out;
  sealer.seal(key, plaintext, out);
  return out;
}

/// What open() made of `sealed`: the plaintext, or why not. An `out` that is not empty after a
/// refusal is itself a failure the tests check for.
struct Opened {
  std::optional<OpenError> error;
  Bytes plaintext;
};

inline Opened open(const Sealer& sealer, const Keyring& keyring,
                   std::span<const std::uint8_t> sealed) {
  Opened r;
  r.plaintext = pattern(3);  // stale content, which open() must not leave behind
  r.error = sealer.open(keyring, sealed, r.plaintext);
  return r;
}

inline std::uint64_t counter_of(const Bytes& sealed) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < 8; ++i) n = (n << 8) | sealed[kCounterAt + i];
  return n;
}

}  // namespace test
}  // namespace convoy::crypto
