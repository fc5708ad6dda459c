// Network: partition bookkeeping and the per-message draws. Every draw comes from one stream
// derived from the simulator's seed, consumed in event order, so a run replays exactly.
#include "sim/network.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace convoy::sim {

namespace {
constexpr std::uint8_t kCutIn = 1;
constexpr std::uint8_t kCutOut = 2;
// The tail map only matters for pairs with a stream still in flight; sweep it when it grows
// past this (or twice what survived the last sweep) to keep memory flat in long runs.
constexpr std::size_t kStreamTailSweep = 4096;
}  // namespace

Network::Network(NetworkConfig config, std::uint64_t seed)
    : config_(std::move(config)),
      rng_(derive_seed(seed, Purpose::network)),
      link_seed_(derive_seed(seed, Purpose::links)) {}

void Network::block(Slot from, Slot to) {
  link_blocks_.insert(pair(from, to));
}
void Network::unblock(Slot from, Slot to) {
  link_blocks_.erase(pair(from, to));
}

void Network::block_both(Slot a, Slot b) {
  block(a, b);
  block(b, a);
}

void Network::unblock_both(Slot a, Slot b) {
  unblock(a, b);
  unblock(b, a);
}

void Network::reset_groups() {
  group_.clear();
  group_blocks_.clear();
}

void Network::split(std::span<const std::vector<Slot>> groups) {
  reset_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const Slot slot : groups[g]) {
      if (slot >= group_.size()) group_.resize(std::size_t{slot} + 1, 0);
      group_[slot] = static_cast<std::uint32_t>(g + 1);
    }
  }
  // Group 0 (the unlisted nodes) is cut from the listed groups too.
  const std::uint64_t count = groups.size() + 1;
  for (std::uint64_t a = 0; a < count; ++a) {
    for (std::uint64_t b = 0; b < count; ++b) {
      if (a != b) group_blocks_.insert(pair(a, b));
    }
  }
}

void Network::split_one_way(std::span<const Slot> from, std::span<const Slot> to) {
  reset_groups();
  auto assign = [this](std::span<const Slot> slots, std::uint32_t g) {
    for (const Slot slot : slots) {
      if (slot >= group_.size()) group_.resize(std::size_t{slot} + 1, 0);
      group_[slot] = g;
    }
  };
  assign(from, 1);
  assign(to, 2);
  group_blocks_.insert(pair(1, 2));
}

void Network::isolate(Slot slot, Direction direction) {
  if (slot >= cut_.size()) cut_.resize(std::size_t{slot} + 1, 0);
  switch (direction) {
    case Direction::inbound:
      cut_[slot] |= kCutIn;
      break;
    case Direction::outbound:
      cut_[slot] |= kCutOut;
      break;
    case Direction::both:
      cut_[slot] |= kCutIn | kCutOut;
      break;
  }
}

void Network::reconnect(Slot slot) {
  if (slot < cut_.size()) cut_[slot] = 0;
  // Keep the fast path in reachable() when nothing is isolated any more.
  if (std::all_of(cut_.begin(), cut_.end(), [](std::uint8_t c) { return c == 0; })) cut_.clear();
}

void Network::heal() {
  reset_groups();
  link_blocks_.clear();
  cut_.clear();
}

bool Network::reachable(Slot from, Slot to) const {
  if (from == to) return true;
  if (!cut_.empty() && (((cut(from) & kCutOut) != 0) || ((cut(to) & kCutIn) != 0))) return false;
  if (!group_blocks_.empty() && group_blocks_.contains(pair(group(from), group(to)))) return false;
  if (!link_blocks_.empty() && link_blocks_.contains(pair(from, to))) return false;
  return true;
}

void Network::set_link_loss(Slot from, Slot to, double probability) {
  link_loss_[pair(from, to)] = probability;
}

void Network::clear_link_loss(Slot from, Slot to) {
  link_loss_.erase(pair(from, to));
}

void Network::set_link_latency(Slot from, Slot to, const LatencyModel& model) {
  link_latency_[pair(from, to)] = model;
}

void Network::clear_link_latency(Slot from, Slot to) {
  link_latency_.erase(pair(from, to));
}

bool Network::draw_loss(Slot from, Slot to) {
  double p = config_.loss;
  if (!link_loss_.empty()) {
    if (auto it = link_loss_.find(pair(from, to)); it != link_loss_.end()) p = it->second;
  }
  return rng_.chance(p);
}

core::Duration Network::link_offset(Slot from, Slot to) const {
  const auto spread = config_.link_spread.count();
  if (spread <= 0) return core::Duration(0);
  // Symmetric: both directions of a link share its distance.
  const std::uint64_t key = pair(std::min(from, to), std::max(from, to));
  const std::uint64_t h = mix64(link_seed_ ^ key);
  return core::Duration(
      static_cast<core::Duration::rep>(h % (static_cast<std::uint64_t>(spread) + 1)));
}

core::Duration Network::draw_latency(Slot from, Slot to) {
  const LatencyModel* model = &config_.latency;
  if (!link_latency_.empty()) {
    if (auto it = link_latency_.find(pair(from, to)); it != link_latency_.end()) {
      model = &it->second;
    }
  }
  return model->sample(rng_) + link_offset(from, to);
}

core::TimePoint Network::stream_arrival(Slot from, Slot to, std::size_t size, core::TimePoint now) {
  core::Duration transfer{0};
  if (config_.stream_bandwidth > 0.0) {
    transfer = core::Duration(static_cast<core::Duration::rep>(
        std::ceil(static_cast<double>(size) * 1e9 / config_.stream_bandwidth)));
  }
  core::TimePoint arrival = now + draw_latency(from, to) + transfer;

  if (stream_tail_.size() >= stream_tail_limit_) {
    // Pairs whose last message has arrived can no longer hold a new one back.
    std::erase_if(stream_tail_, [now](const auto& entry) { return entry.second <= now; });
    stream_tail_limit_ = std::max(kStreamTailSweep, 2 * stream_tail_.size());
  }
  auto [it, inserted] = stream_tail_.try_emplace(pair(from, to), arrival);
  if (!inserted) {
    // A link carries one message at a time: this one finishes after the previous one.
    arrival = std::max(arrival, it->second + transfer);
    it->second = arrival;
  }
  return arrival;
}

}  // namespace convoy::sim
