// Scratch: the arena that the protobuf objects of one encode, decode or measurement live in, its
// first block on the stack, so a datagram's worth of messages costs no heap allocation beyond the
// result (and one per IPv6 address and per store key or value longer than 15 bytes: they
// overflow std::string's inline buffer); bigger stream messages spill into heap blocks that the
// arena frees in one go. Measured against plain heap-allocated messages, this halves decode time
// (about 2 us instead of 4 us for a full 1400-byte datagram of updates).
#pragma once

#include "convoy.pb.h"

#include <google/protobuf/arena.h>

#include <array>
#include <cstddef>

namespace convoy::wire {

// Enough for the protobuf objects of a full 1400-byte datagram (measured: 42 updates take about
// 5 KB of arena, 18 sample store deltas about 3 KB), so the common path takes no heap block for
// them.
constexpr std::size_t kStackArenaBytes = 8192;

// The arena and the stack block it starts from. One per encode()/decode() call: nothing is
// shared between calls, so the codec stays free of global state and safe to use from any thread.
class Scratch {
 public:
  Scratch() : arena_(options(block_)) {}
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Called once per Scratch: each call makes a fresh message.
  pb::Packet& new_packet() { return *google::protobuf::Arena::CreateMessage<pb::Packet>(&arena_); }

 private:
  static google::protobuf::ArenaOptions options(std::array<char, kStackArenaBytes>& block) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block.data();
    o.initial_block_size = block.size();
    return o;
  }

  // Declared before arena_: the arena must be constructed after, and destroyed before, its block.
  alignas(std::max_align_t) std::array<char, kStackArenaBytes> block_;
  google::protobuf::Arena arena_;
};

}  // namespace convoy::wire
