// The Prometheus text exposition format (version 0.0.4) of a Host's Metrics and the agent's own
// gauges: what GET /metrics serves. Names follow Prometheus' conventions (counters end in
// _total, seconds and bytes in their unit); docs/agent.md lists them.
#pragma once

#include <convoy/metrics.hpp>
#include <convoy/security.hpp>

#include <cstdint>
#include <string>

namespace convoy::app {

/// What the agent adds to the library's metrics.
struct AgentGauges {
  std::uint64_t event_streams = 0;
  std::uint64_t event_stream_limit = 0;
  std::uint64_t event_frames_dropped = 0;
  std::uint64_t events_published = 0;
  double uptime_seconds = 0;
};

/// `keyring`: the stage and key count (Host::keyring(); not part of Metrics).
[[nodiscard]] std::string prometheus_text(const Metrics& m, const KeyringStatus& keyring,
                                          const AgentGauges& agent);

}  // namespace convoy::app
