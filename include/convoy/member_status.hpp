// MemberStatus: the SWIM states a member moves through, as seen by one observer.
#pragma once

#include <cstdint>
#include <string_view>

namespace convoy {

/// alive → suspect → dead is failure detection; left is a graceful departure; evicted is an
/// administrative removal that no incarnation overrides (the member does not come back). The
/// numeric order is the precedence at equal incarnation: a later state overrides an earlier one.
enum class MemberStatus : std::uint8_t { alive = 1, suspect = 2, dead = 3, left = 4, evicted = 5 };

/// Alive or suspect: still a member (probed, gossiped to, listed by the directory).
[[nodiscard]] constexpr bool is_active(MemberStatus s) {
  return s == MemberStatus::alive || s == MemberStatus::suspect;
}

/// "alive", "suspect", "dead", "left" or "evicted".
[[nodiscard]] constexpr std::string_view to_string(MemberStatus s) {
  switch (s) {
    case MemberStatus::alive:
      return "alive";
    case MemberStatus::suspect:
      return "suspect";
    case MemberStatus::dead:
      return "dead";
    case MemberStatus::left:
      return "left";
    case MemberStatus::evicted:
      return "evicted";
  }
  return "unknown";
}

}  // namespace convoy
