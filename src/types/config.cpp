// Config: the presets and the validation rules. Every rule names the field it guards, so a
// program that reads its settings from a file can say which line is wrong.
#include <convoy/config.hpp>

#include <string>

namespace convoy {
namespace {

using namespace std::chrono_literals;

std::string text(std::chrono::nanoseconds d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// UDP's payload limit over IPv4; no datagram can be larger.
constexpr std::size_t kMaxDatagram = 65507;
// The smallest budget that still fits every datagram body alone: a store digest of 64 buckets
// is ~530 bytes, and a PingReq with an IPv6 target ~60.
constexpr std::size_t kMinPacketBudget = 576;
// Wire format limit on keys.
constexpr std::size_t kWireMaxKey = 256;
// Above this the health multiplier and the send counters stop making sense.
constexpr std::uint32_t kMaxAwareness = 64;
constexpr std::uint32_t kMaxFactor = 100;

}  // namespace

Config Config::lan() {
  return Config{};
}

Config Config::wan() {
  // memberlist's DefaultWANConfig for the failure detector; everything that waits on a round
  // trip grows with it.
  Config c;
  c.protocol.probe_interval = 5s;
  c.protocol.probe_timeout = 3s;
  c.protocol.suspicion_mult = 6.0;
  c.protocol.push_pull_interval = 60s;
  c.protocol.post_join_sync = 10s;
  c.protocol.reconnect_interval = 30s;
  c.protocol.join_timeout = 10s;
  c.dissemination.gossip_interval = 500ms;
  c.dissemination.fanout = 4;
  c.store.sync_interval = 2s;
  c.store.write_timeout = 15s;
  return c;
}

Config Config::local() {
  // memberlist's DefaultLocalConfig: loopback round trips are microseconds, so everything that
  // waits on the network can be short.
  Config c;
  c.protocol.probe_interval = 1s;
  c.protocol.probe_timeout = 200ms;
  c.protocol.suspicion_mult = 3.0;
  c.protocol.push_pull_interval = 15s;
  c.protocol.post_join_sync = 2s;
  c.protocol.reconnect_interval = 5s;
  c.protocol.join_timeout = 1s;
  c.dissemination.gossip_interval = 100ms;
  c.store.write_timeout = 2s;
  return c;
}

Config& Config::set_probe_period(std::chrono::nanoseconds period) {
  protocol.probe_interval = period;
  protocol.probe_timeout = period / 2;
  return *this;
}

std::optional<ConfigError> Config::validate() const {
  auto positive = [](std::chrono::nanoseconds d) { return d > std::chrono::nanoseconds::zero(); };
  const ProtocolConfig& p = protocol;
  const DisseminationConfig& d = dissemination;
  const StoreConfig& s = store;

  if (!positive(p.probe_interval)) return ConfigError{"protocol.probe_interval", "must be > 0"};
  if (!positive(p.probe_timeout)) return ConfigError{"protocol.probe_timeout", "must be > 0"};
  if (p.probe_timeout >= p.probe_interval)
    return ConfigError{"protocol.probe_timeout",
                       "must be shorter than protocol.probe_interval (" + text(p.probe_interval) +
                           "), which must leave room for indirect probes"};
  if (p.indirect_probes > 32) return ConfigError{"protocol.indirect_probes", "must be ≤ 32"};
  if (!(p.suspicion_mult >= 1.0 && p.suspicion_mult <= 100.0))
    return ConfigError{"protocol.suspicion_mult", "must be between 1 and 100"};
  if (p.awareness_max > kMaxAwareness)
    return ConfigError{"protocol.awareness_max", "must be ≤ " + std::to_string(kMaxAwareness)};
  if (!positive(p.push_pull_interval))
    return ConfigError{"protocol.push_pull_interval", "must be > 0"};
  if (!positive(p.post_join_sync)) return ConfigError{"protocol.post_join_sync", "must be > 0"};
  if (!positive(p.reconnect_interval))
    return ConfigError{"protocol.reconnect_interval", "must be > 0"};
  if (p.reap_after < 10 * p.probe_interval)
    return ConfigError{"protocol.reap_after",
                       "must be at least 10 probe intervals, so stale news cannot revive a member "
                       "forgotten too early"};
  if (!positive(p.join_timeout)) return ConfigError{"protocol.join_timeout", "must be > 0"};
  if (p.join_rounds == 0) return ConfigError{"protocol.join_rounds", "must be ≥ 1"};

  if (!positive(d.gossip_interval))
    return ConfigError{"dissemination.gossip_interval", "must be > 0"};
  if (d.fanout == 0 || d.fanout > 64)
    return ConfigError{"dissemination.fanout", "must be between 1 and 64"};
  if (d.factor == 0 || d.factor > kMaxFactor)
    return ConfigError{"dissemination.factor",
                       "must be between 1 and " + std::to_string(kMaxFactor)};
  if (d.eager_peers > 16) return ConfigError{"dissemination.eager_peers", "must be ≤ 16"};
  if (d.packet_budget < kMinPacketBudget || d.packet_budget > kMaxDatagram)
    return ConfigError{"dissemination.packet_budget", "must be between " +
                                                          std::to_string(kMinPacketBudget) +
                                                          " and " + std::to_string(kMaxDatagram)};

  if (network.max_stream_message < 64 * 1024)
    return ConfigError{"network.max_stream_message", "must be at least 64 KiB"};
  if (s.max_key_bytes == 0 || s.max_key_bytes > kWireMaxKey)
    return ConfigError{"store.max_key_bytes", "must be between 1 and 256"};
  if (s.max_value_bytes == 0) return ConfigError{"store.max_value_bytes", "must be > 0"};
  if (s.max_value_bytes + s.max_key_bytes + 1024 > network.max_stream_message)
    return ConfigError{"store.max_value_bytes",
                       "must leave room for one item in a stream message "
                       "(network.max_stream_message is " +
                           std::to_string(network.max_stream_message) + " bytes)"};
  if (!positive(s.sync_interval)) return ConfigError{"store.sync_interval", "must be > 0"};
  if (s.tombstone_grace < 3 * s.sync_interval)
    return ConfigError{"store.tombstone_grace",
                       "must be at least 3 store.sync_interval, so deletions reach replicas "
                       "before their tombstones are collected"};
  if (!positive(s.write_timeout)) return ConfigError{"store.write_timeout", "must be > 0"};

  return std::nullopt;
}

}  // namespace convoy
