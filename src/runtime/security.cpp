// The free functions of the public security header (include/convoy/security.hpp). They live in
// the runtime because it is the layer that may use crypto; the header names no crypto type.
#include "crypto/key.hpp"

#include <convoy/security.hpp>

#include <algorithm>
#include <array>

namespace convoy {
namespace {

constexpr std::array<std::pair<Encryption, std::string_view>, 4> kNames{{
    {Encryption::off, "off"},
    {Encryption::accept_sealed, "accept_sealed"},
    {Encryption::send_sealed, "send_sealed"},
    {Encryption::required, "required"},
}};

}  // namespace

std::string_view to_string(Encryption encryption) {
  for (const auto& [value, name] : kNames)
    if (value == encryption) return name;
  return "off";
}

std::optional<Encryption> parse_encryption(std::string_view text) {
  std::string normal(text);
  std::replace(normal.begin(), normal.end(), '-', '_');
  for (const auto& [value, name] : kNames)
    if (name == normal) return value;
  return std::nullopt;
}

std::string generate_key() {
  return crypto::Key::generate().to_base64();
}

bool is_key_id(std::string_view text) {
  return crypto::parse_key_id(text).has_value();
}

std::optional<std::string> key_id(std::string_view key) {
  const auto parsed = crypto::Key::from_base64(key);
  if (!parsed) return std::nullopt;
  return crypto::to_string(parsed->id());
}

}  // namespace convoy
