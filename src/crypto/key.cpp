// Key: see the header.
#include "crypto/key.hpp"

#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace convoy::crypto {
namespace {

constexpr std::size_t kBase64Size = 44;  // 32 bytes: 43 characters and one '='
constexpr std::string_view kIdContext = "convoy key id";
constexpr std::size_t kIdHashSize = 16;
constexpr std::string_view kHexDigits = "0123456789abcdef";

static_assert(sodium_base64_ENCODED_LEN(kKeySize, sodium_base64_VARIANT_ORIGINAL) ==
              kBase64Size + 1);  // and the NUL
static_assert(kIdHashSize >= crypto_generichash_BYTES_MIN &&
              kIdHashSize <= crypto_generichash_BYTES_MAX);

// The context string keeps the id from being a plain hash of the key, which some other system
// might also publish for the same bytes.
KeyId id_of(std::span<const std::uint8_t, kKeySize> bytes) {
  crypto_generichash_state state;
  std::array<std::uint8_t, kIdHashSize> hash{};
  crypto_generichash_init(&state, nullptr, 0, hash.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kIdContext.data()),
                            kIdContext.size());
  crypto_generichash_update(&state, bytes.data(), bytes.size());
  crypto_generichash_final(&state, hash.data(), hash.size());
  // The state has absorbed the key; the id is public, the state is not.
  sodium_memzero(&state, sizeof state);
  return (KeyId{hash[0]} << 24) | (KeyId{hash[1]} << 16) | (KeyId{hash[2]} << 8) | KeyId{hash[3]};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// libsodium 1.0.18 (Debian 12's) reads each character as a plain, signed char, and its
// branch-free range checks assume 0..255: a byte of 0x80 or above decodes as some digit instead
// of being refused (tests/crypto/key_test.cpp, RefusesBadAlphabet). So the alphabet is checked
// here, before libsodium sees the text.
bool in_base64_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_string(KeyId id) {
  std::string text(8, '0');
  for (std::size_t i = 0; i < text.size(); ++i) {
    text[text.size() - 1 - i] = kHexDigits[(id >> (4 * i)) & 0xFU];
  }
  return text;
}

std::optional<KeyId> parse_key_id(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  KeyId id = 0;
  for (const char c : text) {
    const int digit = hex_value(c);
    if (digit < 0) return std::nullopt;
    id = (id << 4) | static_cast<KeyId>(digit);
  }
  return id;
}

std::optional<Key> Key::from_base64(std::string_view text) {
  text = trim(text);
  // The length check comes first: libsodium would accept a shorter string that decodes to fewer
  // bytes, and a longer one cannot fit.
  if (text.size() != kBase64Size) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), in_base64_alphabet)) return std::nullopt;
  std::array<std::uint8_t, kKeySize> bytes{};
  std::size_t decoded = 0;
  // No characters to ignore and no end pointer: libsodium then refuses anything but one
  // complete, canonically padded encoding (embedded whitespace, the URL-safe alphabet, non-zero
  // trailing bits), so each key has exactly one text.
  const int rc = sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr,
                                   &decoded, nullptr, sodium_base64_VARIANT_ORIGINAL);
  std::optional<Key> key;
  if (rc == 0 && decoded == kKeySize) key = from_bytes(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

Key Key::generate() {
  require_sodium();
  std::array<std::uint8_t, kKeySize> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  Key key = from_bytes(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

Key Key::from_bytes(std::span<const std::uint8_t, kKeySize> bytes) {
  require_sodium();
  Key key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  key.id_ = id_of(key.bytes_);
  return key;
}

Key::Key(const Key& other) = default;

// Copying over the old bytes is the overwrite: nothing of them stays behind in this object.
Key& Key::operator=(const Key& other) = default;

Key::~Key() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

std::string Key::to_base64() const {
  std::array<char, kBase64Size + 1> text{};
  sodium_bin2base64(text.data(), text.size(), bytes_.data(), bytes_.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  std::string result(text.data(), kBase64Size);
  sodium_memzero(text.data(), text.size());
  return result;
}

}  // namespace convoy::crypto
