// Metrics: a snapshot of one host's counters and gauges, cheap to take from any thread. The
// agent's /metrics endpoint is a rendering of this.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace convoy {

struct Metrics {
  // Membership, as this member sees it (itself included).
  std::uint64_t members_alive = 0;
  std::uint64_t members_suspect = 0;
  std::uint64_t members_dead = 0;
  std::uint64_t members_left = 0;
  std::uint64_t incarnation = 0;
  /// Lifeguard's local health score: 0 is healthy.
  std::uint32_t health_score = 0;

  // Failure detection.
  std::uint64_t probes_sent = 0;
  std::uint64_t probes_failed = 0;
  std::uint64_t indirect_probes_sent = 0;
  std::uint64_t suspicions = 0;
  std::uint64_t members_declared_dead = 0;
  std::uint64_t refutations = 0;

  // Traffic.
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t stream_messages_sent = 0;
  std::uint64_t stream_messages_received = 0;
  /// Envelopes as the protocol wrote and read them; sealing adds 53 bytes to each on the wire.
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  /// Inputs refused, by reason ("bad_magic", "malformed", ...; "unexpected" for messages that
  /// decoded but made no sense here; "not_sealed", "other_cluster", "unknown_key", "forged" and
  /// the other security reasons for packets refused before decoding, docs/protocol.md).
  std::vector<std::pair<std::string, std::uint64_t>> rejected_packets;

  // Dissemination and anti-entropy.
  std::uint64_t updates_piggybacked = 0;
  std::uint64_t deltas_piggybacked = 0;
  /// Rumours waiting to be piggybacked: membership news and store deltas.
  std::uint64_t broadcast_queue_depth = 0;
  std::uint64_t store_queue_depth = 0;
  std::uint64_t push_pulls = 0;
  std::uint64_t store_digests_sent = 0;
  std::uint64_t store_syncs_sent = 0;

  // The own store.
  std::uint64_t store_keys = 0;
  std::uint64_t store_bytes = 0;
  std::uint64_t store_version = 0;

  // Writes into other members' stores, from here.
  std::uint64_t remote_writes = 0;
  std::uint64_t remote_writes_done = 0;
  std::uint64_t remote_writes_conflict = 0;
  std::uint64_t remote_writes_failed = 0;
  std::uint64_t remote_writes_unknown = 0;
  /// Latency of answered remote writes: a histogram with cumulative counts at the upper bounds
  /// (seconds) in remote_write_latency_bounds, plus the sum, as Prometheus wants them.
  std::vector<double> remote_write_latency_bounds;
  std::vector<std::uint64_t> remote_write_latency_counts;
  double remote_write_latency_sum = 0;
  std::uint64_t remote_write_latency_count = 0;

  // Subscriptions.
  std::uint64_t subscriptions = 0;
  std::uint64_t subscription_events_dropped = 0;

  // Connections (the stream path).
  std::uint64_t connections_open = 0;
  std::uint64_t connections_refused = 0;
  std::uint64_t stream_timeouts = 0;
};

}  // namespace convoy
