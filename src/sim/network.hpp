// Network: the simulated links between nodes. It decides, for each message, whether the link is
// up (partitions), whether the datagram survives (loss, duplication, MTU) and when it arrives
// (latency, stream transfer time and per-pair stream ordering). It knows slots, not processes,
// so it can be tested and reasoned about on its own; the Simulator applies its verdicts.
#pragma once

#include "core/time.hpp"
#include "sim/latency.hpp"
#include "sim/port.hpp"
#include "sim/random.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace convoy::sim {

struct NetworkConfig {
  /// Per-datagram (and per-stream-message) delay. Default: 1 ms + uniform [0, 4 ms].
  LatencyModel latency{};
  /// Each link (unordered pair) gets a fixed extra delay in [0, link_spread], derived from the
  /// seed and the pair, so some node pairs are "far apart" for the whole run at no memory cost.
  core::Duration link_spread{0};
  /// Independent probability that a datagram is lost.
  double loss = 0.0;
  /// Probability that a delivered datagram is also delivered a second time (independent delay).
  double duplicate = 0.0;
  /// Larger datagrams are dropped, like an IPv4 UDP payload over 65,507 bytes.
  std::size_t mtu = 65507;
  /// Stream throughput per message in bytes per second; adds size / bandwidth to its latency.
  /// 0 means unlimited.
  double stream_bandwidth = 100e6;
};

/// Which way a node's traffic is cut by isolate().
enum class Direction : std::uint8_t { inbound, outbound, both };

class Network {
 public:
  Network(NetworkConfig config, std::uint64_t seed);

  // --- Partitions. Loopback (a node to itself) is never cut. -------------------------------

  /// One-way: `from` can no longer reach `to`; `to` may still reach `from`.
  void block(Slot from, Slot to);
  void unblock(Slot from, Slot to);
  /// Two-way cut between a and b.
  void block_both(Slot a, Slot b);
  void unblock_both(Slot a, Slot b);

  /// Splits the nodes into groups that cannot talk to each other, either way. Nodes in no
  /// listed group form one more group together. Replaces any previous split.
  void split(std::span<const std::vector<Slot>> groups);
  /// One-way split: nodes in `from` cannot reach nodes in `to`; `to` still reaches `from`, and
  /// both still reach everyone else. Replaces any previous split.
  void split_one_way(std::span<const Slot> from, std::span<const Slot> to);
  /// Cuts one node off from every other node, in one or both directions.
  void isolate(Slot slot, Direction direction = Direction::both);
  void reconnect(Slot slot);
  /// Undoes every partition: blocks, splits and isolations.
  void heal();

  [[nodiscard]] bool reachable(Slot from, Slot to) const;

  // --- Loss and latency. -------------------------------------------------------------------

  void set_loss(double probability) { config_.loss = probability; }
  /// Overrides the global loss for traffic from `from` to `to` (one direction).
  void set_link_loss(Slot from, Slot to, double probability);
  void clear_link_loss(Slot from, Slot to);
  void set_duplicate(double probability) { config_.duplicate = probability; }
  void set_latency(const LatencyModel& model) { config_.latency = model; }
  /// Overrides the global latency model for traffic from `from` to `to` (one direction).
  void set_link_latency(Slot from, Slot to, const LatencyModel& model);
  void clear_link_latency(Slot from, Slot to);
  void set_mtu(std::size_t mtu) { config_.mtu = mtu; }
  void set_stream_bandwidth(double bytes_per_second) {
    config_.stream_bandwidth = bytes_per_second;
  }

  [[nodiscard]] const NetworkConfig& config() const { return config_; }

  // --- Draws, used by the Simulator for each message. --------------------------------------

  [[nodiscard]] bool draw_loss(Slot from, Slot to);
  [[nodiscard]] bool draw_duplicate() { return rng_.chance(config_.duplicate); }
  [[nodiscard]] core::Duration draw_latency(Slot from, Slot to);
  /// Arrival time of a stream message of `size` bytes sent now: latency plus transfer time,
  /// and never before the previous stream message on the same (from, to) pair, so streams stay
  /// ordered whatever the latency draws.
  [[nodiscard]] core::TimePoint stream_arrival(Slot from, Slot to, std::size_t size,
                                               core::TimePoint now);

 private:
  static constexpr std::uint64_t pair(std::uint64_t a, std::uint64_t b) { return (a << 32) | b; }
  [[nodiscard]] std::uint32_t group(Slot slot) const {
    return slot < group_.size() ? group_[slot] : 0;
  }
  [[nodiscard]] std::uint8_t cut(Slot slot) const { return slot < cut_.size() ? cut_[slot] : 0; }
  void reset_groups();
  [[nodiscard]] core::Duration link_offset(Slot from, Slot to) const;

  NetworkConfig config_;
  Random rng_;
  std::uint64_t link_seed_;

  // Partition state. Lookups only: nothing here is iterated in a way that changes behaviour.
  std::vector<std::uint32_t> group_;                ///< slot → group; absent means group 0
  std::unordered_set<std::uint64_t> group_blocks_;  ///< (from group, to group) pairs cut
  std::unordered_set<std::uint64_t> link_blocks_;   ///< (from slot, to slot) pairs cut
  std::vector<std::uint8_t> cut_;                   ///< per slot: kCutIn | kCutOut

  std::unordered_map<std::uint64_t, double> link_loss_;
  std::unordered_map<std::uint64_t, LatencyModel> link_latency_;
  /// (from, to) → arrival time of the last stream message on that pair.
  std::unordered_map<std::uint64_t, core::TimePoint> stream_tail_;
  std::size_t stream_tail_limit_ = 4096;
};

}  // namespace convoy::sim
