// The table of protocol settings: see config_settings.hpp.
#include "agent/config_settings.hpp"

#include "text/duration.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace convoy::app {
namespace {

using std::chrono::nanoseconds;

nanoseconds as_duration(const SettingValue& v) {
  return std::get<nanoseconds>(v);
}
std::uint64_t as_count(const SettingValue& v) {
  return std::get<std::uint64_t>(v);
}
double as_ratio(const SettingValue& v) {
  return std::get<double>(v);
}

// Counts beyond 32 bits are clamped rather than wrapped, so validate() refuses them by name
// instead of seeing a small wrapped value.
std::uint32_t u32(const SettingValue& v) {
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(as_count(v), std::numeric_limits<std::uint32_t>::max()));
}
std::size_t size(const SettingValue& v) {
  return static_cast<std::size_t>(as_count(v));
}

constexpr SettingKind kDuration = SettingKind::duration;
constexpr SettingKind kCount = SettingKind::count;
constexpr SettingKind kRatio = SettingKind::ratio;

const std::array kSettings{
    ConfigSetting{"protocol.probe_period", "--probe-period", kDuration,
                  "probe one member this often; sets protocol.probe_interval and the probe "
                  "timeout that goes with it (Config::set_probe_period)",
                  [](Config& c, const SettingValue& v) { c.set_probe_period(as_duration(v)); }},
    ConfigSetting{
        "protocol.probe_timeout", "--probe-timeout", kDuration,
        "wait this long for a direct ack before asking relays",
        [](Config& c, const SettingValue& v) { c.protocol.probe_timeout = as_duration(v); }},
    ConfigSetting{"protocol.indirect_probes", "--indirect-probes", kCount,
                  "relays asked to probe a member that missed its ack (k)",
                  [](Config& c, const SettingValue& v) { c.protocol.indirect_probes = u32(v); }},
    ConfigSetting{
        "protocol.suspicion_mult", "--suspicion-mult", kRatio,
        "minimum suspicion: mult x max(1, log10 N) x probe interval, reached once enough "
        "members confirm the suspicion (Lifeguard)",
        [](Config& c, const SettingValue& v) { c.protocol.suspicion_mult = as_ratio(v); }},
    ConfigSetting{
        "protocol.suspicion_max_mult", "--suspicion-max-mult", kRatio,
        "an unconfirmed suspicion lasts this many times the minimum",
        [](Config& c, const SettingValue& v) { c.protocol.suspicion_max_mult = as_ratio(v); }},
    ConfigSetting{
        "protocol.suspicion_confirmations", "--suspicion-confirmations", kCount,
        "independent confirmations that bring a suspicion down to the minimum",
        [](Config& c, const SettingValue& v) { c.protocol.suspicion_confirmations = u32(v); }},
    ConfigSetting{"protocol.awareness_max", "--awareness-max", kCount,
                  "upper bound of the local health score (Lifeguard)",
                  [](Config& c, const SettingValue& v) { c.protocol.awareness_max = u32(v); }},
    ConfigSetting{
        "protocol.push_pull_interval", "--push-pull-interval", kDuration,
        "full membership exchange with one random member this often",
        [](Config& c, const SettingValue& v) { c.protocol.push_pull_interval = as_duration(v); }},
    ConfigSetting{
        "protocol.post_join_sync", "--post-join-sync", kDuration,
        "first exchange this soon after joining, then at doubling gaps",
        [](Config& c, const SettingValue& v) { c.protocol.post_join_sync = as_duration(v); }},
    ConfigSetting{
        "protocol.reconnect_interval", "--reconnect-interval", kDuration,
        "partition healing: an exchange with a member believed dead this often",
        [](Config& c, const SettingValue& v) { c.protocol.reconnect_interval = as_duration(v); }},
    ConfigSetting{"protocol.reap_after", "--reap-after", kDuration,
                  "dead and left members are forgotten after this long",
                  [](Config& c, const SettingValue& v) { c.protocol.reap_after = as_duration(v); }},
    ConfigSetting{
        "protocol.join_timeout", "--seed-timeout", kDuration,
        "wait this long for one seed's join answer before trying the next",
        [](Config& c, const SettingValue& v) { c.protocol.join_timeout = as_duration(v); }},
    ConfigSetting{"protocol.join_rounds", "--join-rounds", kCount,
                  "rounds over the whole seed list before one join attempt fails",
                  [](Config& c, const SettingValue& v) { c.protocol.join_rounds = u32(v); }},
    ConfigSetting{
        "dissemination.gossip_interval", "--gossip-interval", kDuration,
        "queued news goes to `fanout` random members this often",
        [](Config& c, const SettingValue& v) { c.dissemination.gossip_interval = as_duration(v); }},
    ConfigSetting{"dissemination.fanout", "--fanout", kCount, "members gossiped to per interval",
                  [](Config& c, const SettingValue& v) { c.dissemination.fanout = u32(v); }},
    ConfigSetting{"dissemination.factor", "--factor", kCount,
                  "dissemination factor: each update is sent factor x ceil(ln(N+1)) times",
                  [](Config& c, const SettingValue& v) { c.dissemination.factor = u32(v); }},
    ConfigSetting{"dissemination.eager_peers", "--eager-peers", kCount,
                  "members new updates are pushed to at once (0: piggyback gossip only)",
                  [](Config& c, const SettingValue& v) { c.dissemination.eager_peers = u32(v); }},
    ConfigSetting{
        "dissemination.packet_budget", "--packet-budget", kCount,
        "bytes per datagram, envelope included",
        [](Config& c, const SettingValue& v) { c.dissemination.packet_budget = size(v); }},
    ConfigSetting{"store.max_key_bytes", "--max-key-bytes", kCount, "key size limit",
                  [](Config& c, const SettingValue& v) { c.store.max_key_bytes = size(v); }},
    ConfigSetting{"store.max_value_bytes", "--max-value-bytes", kCount,
                  "value size limit (larger values are refused)",
                  [](Config& c, const SettingValue& v) { c.store.max_value_bytes = size(v); }},
    ConfigSetting{
        "store.tombstone_grace", "--tombstone-grace", kDuration,
        "deleted keys are kept as tombstones this long",
        [](Config& c, const SettingValue& v) { c.store.tombstone_grace = as_duration(v); }},
    ConfigSetting{"store.sync_interval", "--sync-interval", kDuration,
                  "store anti-entropy: one digest to a random member this often",
                  [](Config& c, const SettingValue& v) { c.store.sync_interval = as_duration(v); }},
    ConfigSetting{"store.write_timeout", "--write-timeout", kDuration,
                  "a write into another member's store waits this long for the owner's answer",
                  [](Config& c, const SettingValue& v) { c.store.write_timeout = as_duration(v); }},
    ConfigSetting{"network.max_stream_message", "--max-stream-message", kCount,
                  "stream messages larger than this are refused on receipt (bytes)",
                  [](Config& c, const SettingValue& v) { c.network.max_stream_message = size(v); }},
};

}  // namespace

std::span<const ConfigSetting> config_settings() {
  return kSettings;
}

const ConfigSetting* find_config_setting(std::string_view key) {
  for (const auto& s : kSettings)
    if (s.key == key) return &s;
  return nullptr;
}

std::variant<SettingValue, std::string> parse_setting_text(const ConfigSetting& s,
                                                           std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  switch (s.kind) {
    case SettingKind::duration: {
      if (auto d = parse_duration(text)) return SettingValue{*d};
      return "bad duration " + quoted + " (use " + std::string(kDurationUnits) + ")";
    }
    case SettingKind::count: {
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return "bad count " + quoted + " (a non-negative integer)";
      return SettingValue{v};
    }
    case SettingKind::ratio: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
          !std::isfinite(v))
        return "bad number " + quoted;
      return SettingValue{v};
    }
  }
  return "unknown kind";
}

Config apply_settings(Config preset, const SettingValues& values) {
  for (const auto& s : kSettings)
    if (auto it = values.find(s.key); it != values.end()) s.apply(preset, it->second);
  return preset;
}

}  // namespace convoy::app
