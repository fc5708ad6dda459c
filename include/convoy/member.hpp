// Member: one participant of the cluster as one observer sees it. A value: reading the directory
// returns copies, so a program can keep them as long as it likes.
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <cstdint>

namespace convoy {

struct Member {
  MemberId id;
  /// Raised by the member itself to refute a suspicion or to rejoin; a higher incarnation is a
  /// newer account of the member.
  std::uint64_t incarnation = 0;
  MemberStatus status = MemberStatus::alive;
  /// Where the member can be reached (its advertised address).
  Address address;

  friend bool operator==(const Member&, const Member&) = default;
};

}  // namespace convoy
