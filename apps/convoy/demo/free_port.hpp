// Free ports on 127.0.0.1 for the demo's agents, picked by asking the kernel (bind to port 0)
// and checked free for both TCP and UDP, since an agent's gossip port serves both. The agent
// binds it a moment later; another program could take it in between, and the agent would then
// say so and the demo would name the step that failed.
#pragma once

#include <cstdint>
#include <set>

namespace convoy::app {

class PortPicker {
 public:
  /// A port free for TCP and UDP on 127.0.0.1 that this picker has not handed out before.
  /// Throws std::runtime_error when none can be found.
  [[nodiscard]] std::uint16_t pick();

 private:
  std::set<std::uint16_t> given_;
};

}  // namespace convoy::app
