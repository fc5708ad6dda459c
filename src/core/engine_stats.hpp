// EngineStats: counters an engine keeps about its own traffic and protocol decisions. Plain
// numbers, read by drivers for figures and by tests for assertions.
#pragma once

#include "wire/codec.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace convoy::core {

struct EngineStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t streams_sent = 0;
  std::uint64_t streams_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  /// Inputs rejected by the decoder, by wire::DecodeError.
  std::array<std::uint64_t, wire::kDecodeErrorCount> rejected{};
  /// Decoded fine but made no sense here (a reply nobody asked for, a body on the wrong path).
  std::uint64_t unexpected = 0;

  std::uint64_t probes_sent = 0;
  std::uint64_t indirect_probes_sent = 0;
  std::uint64_t probes_failed = 0;  ///< neither direct nor indirect ack: target suspected
  std::uint64_t suspicions_raised = 0;
  std::uint64_t members_declared_dead = 0;
  std::uint64_t refutations = 0;  ///< times this node raised its incarnation to refute
  std::uint64_t updates_piggybacked = 0;
  std::uint64_t push_pulls = 0;
  std::uint64_t deltas_piggybacked = 0;
  std::uint64_t store_digests_sent = 0;
  std::uint64_t store_syncs_sent = 0;
  std::uint64_t remote_writes_sent = 0;
  /// Times our store epoch rose above one of a previous life seen in the cluster.
  std::uint64_t store_epoch_raises = 0;
  /// Join responses that answered no outstanding request (late, duplicate, forged): dropped.
  std::uint64_t join_responses_dropped = 0;
  /// Write results that matched no request of ours from that owner: dropped.
  std::uint64_t write_results_dropped = 0;
  /// Retried writes answered from the owner's memory instead of being applied again.
  std::uint64_t writes_deduplicated = 0;
  /// News claiming a member's id from another address while that member is alive: refused.
  std::uint64_t address_conflicts = 0;
  /// Eager push datagrams sent, and links pruned because their pushes brought nothing new.
  std::uint64_t eager_pushes = 0;
  std::uint64_t eager_prunes = 0;
  std::uint64_t eager_grafts = 0;
  /// Independent reports of a suspicion we held, each shortening its timeout (Lifeguard).
  std::uint64_t suspicion_confirmations = 0;
  /// Probes spent checking a suspicion heard from another member (instead of the next in turn).
  std::uint64_t verification_probes = 0;
  /// Push-pull summaries answered "same view": exchanges that cost two hashes, not two states.
  std::uint64_t push_pulls_equal = 0;

  /// Adds another node's counters (cluster totals). Kept beside the fields so a new counter is
  /// summed by the same edit that adds it.
  EngineStats& operator+=(const EngineStats& o) {
    datagrams_sent += o.datagrams_sent;
    datagrams_received += o.datagrams_received;
    streams_sent += o.streams_sent;
    streams_received += o.streams_received;
    bytes_sent += o.bytes_sent;
    bytes_received += o.bytes_received;
    for (std::size_t i = 0; i < rejected.size(); ++i) rejected[i] += o.rejected[i];
    unexpected += o.unexpected;
    probes_sent += o.probes_sent;
    indirect_probes_sent += o.indirect_probes_sent;
    probes_failed += o.probes_failed;
    suspicions_raised += o.suspicions_raised;
    members_declared_dead += o.members_declared_dead;
    refutations += o.refutations;
    updates_piggybacked += o.updates_piggybacked;
    push_pulls += o.push_pulls;
    deltas_piggybacked += o.deltas_piggybacked;
    store_digests_sent += o.store_digests_sent;
    store_syncs_sent += o.store_syncs_sent;
    remote_writes_sent += o.remote_writes_sent;
    store_epoch_raises += o.store_epoch_raises;
    join_responses_dropped += o.join_responses_dropped;
    write_results_dropped += o.write_results_dropped;
    writes_deduplicated += o.writes_deduplicated;
    address_conflicts += o.address_conflicts;
    eager_pushes += o.eager_pushes;
    eager_prunes += o.eager_prunes;
    eager_grafts += o.eager_grafts;
    suspicion_confirmations += o.suspicion_confirmations;
    verification_probes += o.verification_probes;
    push_pulls_equal += o.push_pulls_equal;
    return *this;
  }

  [[nodiscard]] std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (auto r : rejected) n += r;
    return n;
  }
};

}  // namespace convoy::core
