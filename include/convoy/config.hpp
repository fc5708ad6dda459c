// Config: every timing and size of the protocol, grouped by concern, with presets for the three
// kinds of network Convoy runs on and a validate() that names the offending field. The defaults
// are the `lan()` preset; docs/design.md explains each one. Library policy lives here: a setting
// derived from another (the probe timeout from the probe interval) is derived by this class, not
// by each program that embeds Convoy.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace convoy {

/// Failure detection and membership (SWIM with Lifeguard's local health).
struct ProtocolConfig {
  /// One probe per interval; Lifeguard stretches it by (1 + health score) while this member
  /// itself seems slow.
  std::chrono::nanoseconds probe_interval = std::chrono::seconds(1);
  /// Wait this long for a direct ack before asking `indirect_probes` relays. Must be shorter
  /// than probe_interval, which must leave room for the indirect round.
  std::chrono::nanoseconds probe_timeout = std::chrono::milliseconds(500);
  /// k: relays asked to probe a target that missed its direct ack.
  std::uint32_t indirect_probes = 3;
  /// A suspect not refuted within suspicion_mult × max(1, log10 N) × probe_interval is declared
  /// dead (memberlist's formula; the timeout is fixed when the suspicion starts).
  double suspicion_mult = 4.0;
  /// Upper bound of the local health score; probe interval and timeout are multiplied by
  /// (1 + score).
  std::uint32_t awareness_max = 8;
  /// Full membership exchange with one random member; stretched with log2 N above 32 members.
  std::chrono::nanoseconds push_pull_interval = std::chrono::seconds(30);
  /// A joiner's first exchange comes this soon after its join, then at doubling gaps until the
  /// gap reaches the periodic interval: rumours that raced the join are caught up.
  std::chrono::nanoseconds post_join_sync = std::chrono::seconds(5);
  /// Partition healing: an exchange with a member believed dead, or a seed, this often.
  std::chrono::nanoseconds reconnect_interval = std::chrono::seconds(10);
  /// Dead and left members are forgotten after this long (stale news cannot revive them before).
  std::chrono::nanoseconds reap_after = std::chrono::minutes(5);
  /// How long to wait for a seed's join response before trying the next seed.
  std::chrono::nanoseconds join_timeout = std::chrono::seconds(2);
  /// Rounds over the whole seed list before a join is declared failed.
  std::uint32_t join_rounds = 3;
};

/// How news spreads.
struct DisseminationConfig {
  /// Every gossip interval, queued news goes to `fanout` random members.
  std::chrono::nanoseconds gossip_interval = std::chrono::milliseconds(200);
  std::uint32_t fanout = 3;
  /// Each update is sent at most factor × ⌈ln(N+1)⌉ times.
  std::uint32_t factor = 3;
  /// Eager push: news is sent at once to this many peers (an overlay that push links make
  /// symmetric and redundant pushes prune), so it spreads in network hops instead of gossip
  /// rounds; the piggybacked copies remain as the safety net. 0: pure piggyback gossip.
  std::uint32_t eager_peers = 3;
  /// Bytes per datagram, envelope included: fits a 1500-byte Ethernet MTU with IP and UDP
  /// headers and room for encryption.
  std::size_t packet_budget = 1400;
};

/// Member stores.
struct StoreConfig {
  /// Key size limit; the wire format caps keys at 256 bytes whatever this says.
  std::size_t max_key_bytes = 256;
  /// Value size limit: a larger value is refused, never truncated.
  std::size_t max_value_bytes = 64 * 1024;
  /// Deleted keys are kept as tombstones this long, then collected.
  std::chrono::nanoseconds tombstone_grace = std::chrono::minutes(10);
  /// Store anti-entropy: a digest datagram to one random member this often.
  std::chrono::nanoseconds sync_interval = std::chrono::seconds(1);
  /// A write into another member's store gives up waiting for the owner's answer after this.
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(3);
};

/// Limits of the stream path.
struct NetworkConfig {
  /// Stream messages larger than this are refused on receipt. It bounds a decoder's memory:
  /// protobuf's in-memory form of a hostile message can be ~64× its size.
  std::size_t max_stream_message = 4u << 20;
};

/// A field that validate() refused, and why.
struct ConfigError {
  std::string field;    ///< e.g. "protocol.probe_timeout"
  std::string message;  ///< e.g. "must be shorter than protocol.probe_interval (1s)"

  /// "protocol.probe_timeout: must be shorter than ..."
  [[nodiscard]] std::string to_string() const { return field + ": " + message; }
};

struct Config {
  ProtocolConfig protocol;
  DisseminationConfig dissemination;
  StoreConfig store;
  NetworkConfig network;

  /// A local network (one data centre): memberlist's LAN timings. The default.
  [[nodiscard]] static Config lan();
  /// Members spread over wide-area links: longer timeouts, slower probing, wider fanout.
  [[nodiscard]] static Config wan();
  /// All members on one machine (tests, demos): short timeouts, quick detection.
  [[nodiscard]] static Config local();

  /// Sets the probe interval and the probe timeout that goes with it (half the interval).
  Config& set_probe_period(std::chrono::nanoseconds period);

  /// The first field that is out of range or contradicts another, or nullopt if all are fine.
  [[nodiscard]] std::optional<ConfigError> validate() const;
};

}  // namespace convoy
