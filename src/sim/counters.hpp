// Counters: what happened to every message the simulated network carried. Scenarios read them
// to report load and loss; tests use them to check that every message is accounted for.
#pragma once

#include <cstdint>

namespace convoy::sim {

/// Every datagram sent (and every duplicate the network made) ends in exactly one of
/// delivered / lost / partitioned / oversize / unroutable / target_down / overflow, or is still
/// in flight or waiting in a paused node's inbox. Streams likewise, without loss or overflow.
struct Counters {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_duplicated = 0;  ///< extra copies the network injected
  std::uint64_t datagrams_delivered = 0;
  std::uint64_t datagrams_lost = 0;         ///< random loss
  std::uint64_t datagrams_partitioned = 0;  ///< link down at send or at arrival
  std::uint64_t datagrams_oversize = 0;     ///< larger than the MTU
  std::uint64_t datagrams_unroutable = 0;   ///< no node has the destination address
  std::uint64_t datagrams_target_down = 0;  ///< destination crashed (or crashed with it queued)
  std::uint64_t datagrams_overflow = 0;     ///< destination paused and its inbox full
  std::uint64_t datagram_bytes_sent = 0;
  std::uint64_t datagram_bytes_delivered = 0;

  std::uint64_t streams_sent = 0;
  std::uint64_t streams_delivered = 0;
  std::uint64_t streams_partitioned = 0;
  std::uint64_t streams_unroutable = 0;
  std::uint64_t streams_target_down = 0;  ///< down at send or arrival, or restarted meanwhile
  std::uint64_t stream_bytes_sent = 0;
  std::uint64_t stream_bytes_delivered = 0;

  std::uint64_t timers_fired = 0;
  std::uint64_t timers_stale = 0;      ///< superseded timer entries skipped in the queue
  std::uint64_t actions_run = 0;       ///< scenario callbacks scheduled with Simulator::at
  std::uint64_t events_processed = 0;  ///< queue entries popped, stale ones included
};

}  // namespace convoy::sim
