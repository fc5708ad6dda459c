// ProbeRider: something periodic that rides on the next probe instead of taking a datagram of
// its own (today: the opening of an anti-entropy round, the digest root). A member probes one
// member every probe interval anyway; a round opened on that ping costs 18 bytes, where its own
// datagram cost a system call and a wakeup at both ends, and UDP/IP headers, every second.
#pragma once

#include "wire/message.hpp"

namespace convoy::core {

class ProbeRider {
 public:
  /// Called for every ping this member sends; puts on it what is waiting for a ride, if any.
  virtual void board(wire::Ping& ping) = 0;

 protected:
  ~ProbeRider() = default;
};

}  // namespace convoy::core
