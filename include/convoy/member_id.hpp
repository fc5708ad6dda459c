// MemberId: the persistent 128-bit identity of a member. It outlives restarts and rejoins
// (those raise the incarnation instead), so it is the key of every per-member table.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace convoy {

/// A 128-bit member identifier. Value type; ordered and hashable.
struct MemberId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  /// True for the all-zero id, which no real member has.
  [[nodiscard]] constexpr bool is_nil() const { return hi == 0 && lo == 0; }

  /// 32 lowercase hex digits, hi first.
  [[nodiscard]] std::string to_string() const;

  /// Parses the 32-hex-digit form written by to_string(); nullopt on anything else.
  [[nodiscard]] static std::optional<MemberId> parse(std::string_view text);

  friend constexpr auto operator<=>(const MemberId&, const MemberId&) = default;
};

}  // namespace convoy

template <>
struct std::hash<convoy::MemberId> {
  std::size_t operator()(const convoy::MemberId& id) const noexcept {
    // Ids are random, so mixing the halves is enough; the multiply spreads sequential test ids.
    return static_cast<std::size_t>((id.hi ^ (id.lo * 0x9E3779B97F4A7C15ULL)));
  }
};
