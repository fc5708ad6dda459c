// MemberKey: how the components of one engine name a member among themselves: a dense 32-bit
// key, 0 for this member itself and member-table slot + 1 for every other. Queues and replica
// tables index arrays by it, so it must stay small and dense; this file is the one place that
// knows the encoding.
#pragma once

#include <cassert>
#include <cstdint>

namespace convoy::core {

using MemberKey = std::uint32_t;

/// This member itself.
inline constexpr MemberKey kSelfKey = 0;

[[nodiscard]] constexpr MemberKey key_of_slot(std::uint32_t slot) {
  return slot + 1;
}

[[nodiscard]] constexpr bool is_self_key(MemberKey key) {
  return key == kSelfKey;
}

/// The member-table slot of another member's key.
[[nodiscard]] constexpr std::uint32_t slot_of_key(MemberKey key) {
  assert(key != kSelfKey);
  return key - 1;
}

}  // namespace convoy::core
