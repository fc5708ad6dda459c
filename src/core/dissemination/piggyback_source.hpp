// PiggybackSource: a queue of news other than membership that rides in the spare room of every
// datagram (today: store deltas). The outbox fills each datagram with membership news first —
// it decides who is in the cluster — then offers the rest of the budget here.
#pragma once

#include "wire/codec.hpp"
#include "wire/message.hpp"

#include <cstdint>
#include <vector>

namespace convoy::core {

class PiggybackSource {
 public:
  [[nodiscard]] virtual bool has_news() const = 0;
  /// Adds news to `packer` while it fits, each item at most `limit` times over its life. News too
  /// large for any datagram goes to `oversized` instead, for the stream path to the same peer.
  virtual void fill(wire::Packer& packer, std::uint32_t limit,
                    std::vector<wire::StoreDelta>& oversized) = 0;

 protected:
  ~PiggybackSource() = default;
};

}  // namespace convoy::core
