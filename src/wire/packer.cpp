// Packer (codec.hpp): fills a datagram up to its budget, measuring the packet once and then
// each addition by its own size.
#include "wire/codec.hpp"
#include "wire/pb_conversion.hpp"
#include "wire/pb_scratch.hpp"

#include <algorithm>
#include <utility>

namespace convoy::wire {

Packer::Packer(Packet packet, std::size_t budget)
    : packet_(std::move(packet)), budget_(budget), size_(0) {
  // The one full measurement; afterwards try_add() only adds each update's or delta's own size,
  // which is exact because a repeated field's encoding is the concatenation of its elements' and
  // the two lists are separate fields (neither's size depends on the other).
  Scratch scratch;
  pb::Packet& msg = scratch.new_packet();
  to_pb(packet_, msg);
  size_ = kEnvelopeHeaderSize + msg.ByteSizeLong();
  // A bare packet over budget can take no updates; raising the budget to its size keeps
  // remaining() at zero instead of letting the unsigned subtraction wrap.
  budget_ = std::max(budget_, size_);
}

bool Packer::try_add(const MemberUpdate& update) {
  const std::size_t n = encoded_size(update);
  if (n > remaining()) return false;
  packet_.updates.push_back(update);
  size_ += n;
  return true;
}

bool Packer::try_add(const StoreDelta& delta) {
  const std::size_t n = encoded_size(delta);
  if (n > remaining()) return false;
  packet_.deltas.push_back(delta);
  size_ += n;
  return true;
}

Bytes Packer::finish() const {
  return encode(packet_);
}

}  // namespace convoy::wire
