// NodeStats: counters a node keeps about its own traffic and protocol decisions. Plain numbers,
// read by drivers for figures and by tests for assertions.
#pragma once

#include "wire/codec.hpp"

#include <array>
#include <cstdint>

namespace convoy::core {

struct NodeStats {
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

  [[nodiscard]] std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (auto r : rejected) n += r;
    return n;
  }
};

}  // namespace convoy::core
