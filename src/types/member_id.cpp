// MemberId: the hex text form of a member id, used in logs, the CLI, the agent's JSON API and the
// storage layer. Hand-written rather than via printf/iostreams: it is short and allocation-light.
#include <convoy/member_id.hpp>

namespace convoy {
namespace {

constexpr std::size_t kHexDigits = 32;

constexpr char kDigits[] = "0123456789abcdef";

// -1 for a character that is not a hex digit; both cases are accepted, since ids get pasted
// from tools that print upper case.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string MemberId::to_string() const {
  std::string out(kHexDigits, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    const unsigned shift = static_cast<unsigned>(60 - 4 * i);
    out[i] = kDigits[(hi >> shift) & 0xF];
    out[16 + i] = kDigits[(lo >> shift) & 0xF];
  }
  return out;
}

std::optional<MemberId> MemberId::parse(std::string_view text) {
  if (text.size() != kHexDigits) return std::nullopt;
  MemberId id;
  for (std::size_t i = 0; i < kHexDigits; ++i) {
    const int v = hex_value(text[i]);
    if (v < 0) return std::nullopt;
    std::uint64_t& half = i < 16 ? id.hi : id.lo;
    half = (half << 4) | static_cast<std::uint64_t>(v);
  }
  return id;
}

}  // namespace convoy
