// Free ports on 127.0.0.1 for the demo's agents, picked at random below the kernel's ephemeral
// range (ip_local_port_range) and checked free for both TCP and UDP, since an agent's gossip
// port serves both. Below that range, no outgoing connection (the demo's own HTTP clients, a
// thousand of them at 64 agents) is ever given the port between the pick and the agent's bind,
// nor while a killed agent is down before its restart on the same ports. Another program could
// still take it; the agent would then say so and the demo would name the step that failed.
#pragma once

#include <cstdint>
#include <random>
#include <set>

namespace convoy::app {

class PortPicker {
 public:
  /// A port free for TCP and UDP on 127.0.0.1 that this picker has not handed out before.
  /// Throws std::runtime_error when none can be found.
  [[nodiscard]] std::uint16_t pick();

 private:
  std::set<std::uint16_t> given_;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace convoy::app
