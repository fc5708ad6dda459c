// Address: where a member can be reached (IPv4 or IPv6 plus UDP/TCP port). A fixed-size value
// rather than a string, because every member table holds one per member (10,000 members ×
// 10,000 views in the simulator) and it is compared on every received packet.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace convoy {

/// An IP endpoint. IPv4 addresses use the first 4 bytes of `ip`; the rest are zero.
struct Address {
  enum class Family : std::uint8_t { v4 = 4, v6 = 6 };

  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;
  Family family = Family::v4;

  /// Builds an IPv4 address from its four octets.
  [[nodiscard]] static constexpr Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c,
                                            std::uint8_t d, std::uint16_t port) {
    Address addr;
    addr.ip = {a, b, c, d};
    addr.port = port;
    addr.family = Family::v4;
    return addr;
  }

  /// Parses "1.2.3.4:5" or "[::1]:5". nullopt if the text is not such an endpoint.
  [[nodiscard]] static std::optional<Address> parse(std::string_view text);

  /// "1.2.3.4:5" or "[::1]:5".
  [[nodiscard]] std::string to_string() const;

  /// Number of meaningful bytes in `ip` (4 or 16).
  [[nodiscard]] constexpr std::size_t ip_size() const { return family == Family::v4 ? 4 : 16; }

  friend constexpr auto operator<=>(const Address&, const Address&) = default;
};

}  // namespace convoy

template <>
struct std::hash<convoy::Address> {
  std::size_t operator()(const convoy::Address& a) const noexcept {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: short fixed input, no allocation.
    for (std::size_t i = 0; i < a.ip_size(); ++i) h = (h ^ a.ip[i]) * 1099511628211ULL;
    h = (h ^ a.port) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};
