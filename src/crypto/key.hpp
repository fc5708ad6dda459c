// Key: one 256-bit secret of the keyring, and its id. The id (a 32-bit hash of the key) is written
// in the clear on every sealed packet so the receiver picks the key at once instead of trying
// each, and it is what people see in logs and listings: it identifies a key without revealing it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace convoy::crypto {

inline constexpr std::size_t kKeySize = 32;

using KeyId = std::uint32_t;

/// "1a2b3c4d": 8 lowercase hex digits.
[[nodiscard]] std::string to_string(KeyId id);
/// The inverse of to_string (upper or lower case), or nullopt.
[[nodiscard]] std::optional<KeyId> parse_key_id(std::string_view text);

/// A secret: copyable (keyrings are values), zeroed when destroyed or overwritten.
class Key {
 public:
  /// 44 characters of standard base64 (padding included) that decode to exactly 32 bytes;
  /// surrounding whitespace is ignored. nullopt for anything else.
  [[nodiscard]] static std::optional<Key> from_base64(std::string_view text);
  /// 32 bytes from the operating system's random source.
  [[nodiscard]] static Key generate();
  [[nodiscard]] static Key from_bytes(std::span<const std::uint8_t, kKeySize> bytes);

  Key(const Key& other);
  Key& operator=(const Key& other);
  ~Key();

  [[nodiscard]] std::string to_base64() const;
  [[nodiscard]] KeyId id() const { return id_; }
  [[nodiscard]] std::span<const std::uint8_t, kKeySize> bytes() const { return bytes_; }

 private:
  Key() = default;
  std::array<std::uint8_t, kKeySize> bytes_{};
  KeyId id_ = 0;
};

}  // namespace convoy::crypto
