// MemberStatus: the SWIM states a member moves through, as seen by one observer.
#pragma once

#include <cstdint>
#include <string_view>

namespace convoy {

/// alive → suspect → dead is failure detection; left is a graceful departure. The numeric order
/// is the precedence at equal incarnation: a later state overrides an earlier one.
enum class MemberStatus : std::uint8_t { alive = 1, suspect = 2, dead = 3, left = 4 };

/// "alive", "suspect", "dead" or "left".
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
  }
  return "unknown";
}

}  // namespace convoy
