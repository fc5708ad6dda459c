// Event: what the core tells its driver about membership. Drivers turn them into subscriptions
// (runtime) or into figures (simulator). They are values; the core keeps no reference to them.
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>

#include <cstdint>
#include <string>

namespace convoy::core {

struct Event {
  enum class Kind : std::uint8_t {
    member_joined,   ///< first heard of as alive, or back after having left
    member_suspect,  ///< suspected of having failed
    member_alive,    ///< alive again: refuted a suspicion, or back from dead (higher incarnation)
    member_dead,     ///< declared failed
    member_left,     ///< departed gracefully
    member_evicted,  ///< removed by an administrator; does not come back
    member_reaped,   ///< dead, left or evicted long enough to be forgotten
    self_refuted,    ///< this node refuted a suspicion (or death) of itself
    self_evicted,    ///< the cluster evicted this node: it has stopped for good
    joined,          ///< this node's join through a seed succeeded
    join_failed,     ///< no seed answered: `detail` says what was tried
  };

  Kind kind;
  MemberId id;
  std::uint64_t incarnation = 0;
  Address address;
  std::string detail;
};

}  // namespace convoy::core
