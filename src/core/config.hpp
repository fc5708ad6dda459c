// Config: every timing and size the protocol core uses, with the defaults it ships with.
// docs/design.md explains each default; change them together with that table.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <convoy/address.hpp>

namespace convoy::core {

using namespace std::chrono_literals;

struct Config {
  /// One probe per period; Lifeguard stretches it while the node itself is unhealthy.
  Duration probe_interval = 1s;
  /// Wait this long for a direct ack before asking `indirect_probes` relays.
  Duration probe_timeout = 500ms;
  /// k: relays asked to probe a target that missed its direct ack.
  std::uint32_t indirect_probes = 3;
  /// Suspicion lasts suspicion_mult × max(1, log10 N) × probe_interval when confirmed by k
  /// others, and up to suspicion_max_mult times that without confirmations (Lifeguard).
  double suspicion_mult = 4.0;
  double suspicion_max_mult = 6.0;
  /// Local health awareness (Lifeguard): probe interval and timeout are scaled by (1 + score),
  /// score in [0, awareness_max].
  std::uint32_t awareness_max = 8;

  /// Every gossip interval, send queued updates to `fanout` random members.
  Duration gossip_interval = 200ms;
  std::uint32_t fanout = 3;
  /// Each update is sent at most factor × ⌈ln(N+1)⌉ times.
  std::uint32_t dissemination_factor = 3;
  /// Bytes per datagram, envelope included.
  std::size_t packet_budget = 1400;
  /// Stream messages (join, push-pull) larger than this are refused. 10,000 members' state is
  /// about 330 KB; protobuf's in-memory form of a hostile message can be ~64× its size, so the
  /// limit is what bounds a decoder's memory.
  std::size_t max_stream_message = 4u << 20;

  /// Full-state push-pull with one random live member; scaled up with log N for big clusters.
  Duration push_pull_interval = 30s;
  /// A joiner's first push-pull comes this soon after its join. Rumours that started while the
  /// cluster did not yet know the joiner can die out before reaching it (they live about
  /// factor × ln N sends ≈ a second); this one exchange repairs that.
  Duration post_join_sync = 5s;
  /// Partition healing: push-pull with a recently dead member or a seed this often.
  Duration reconnect_interval = 10s;
  /// Dead and left members are forgotten after this long (and stop being reconnect targets).
  Duration reap_after = 5min;

  /// Store limits: key and value sizes (a larger value is refused, never truncated). Keys are
  /// capped at 256 bytes by the wire format whatever this says.
  std::size_t max_key_bytes = 256;
  std::size_t max_value_bytes = 64 * 1024;
  /// Deleted keys are kept as tombstones this long (so the deletion reaches every replica),
  /// then collected; a replica that fell behind the collection gets a complete resync.
  Duration tombstone_grace = 10min;
  /// Store anti-entropy: every interval a digest datagram to one random member.
  Duration store_sync_interval = 1s;
  /// A write into another member's store fails if the owner has not answered by then.
  Duration write_timeout = 3s;

  /// How long to wait for a seed's join response before trying the next seed.
  Duration join_timeout = 2s;
  /// Rounds over the whole seed list before the join is declared failed.
  std::uint32_t join_rounds = 3;
};

}  // namespace convoy::core
