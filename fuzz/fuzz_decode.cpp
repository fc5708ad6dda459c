// libFuzzer target for the decoder: the one function every datagram and stream message from the
// network reaches before anything else, so one target covers every message, membership and store
// alike. Besides "never crashes", it checks that whatever decodes is a value the encoder
// reproduces exactly, so the core never holds a packet the codec cannot send, and that the
// piggyback sizes the Packer budgets with are exact for it.
#include "wire/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

// The largest input the harness accepts (stream messages included); bigger inputs exercise only
// the size check.
constexpr std::size_t kMaxSize = 65536;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace convoy::wire;
  const DecodeResult first = decode(std::span(data, size), kMaxSize);
  if (!first.packet) {
    if (static_cast<std::size_t>(first.error) >= kDecodeErrorCount) std::abort();
    return 0;
  }
  const Bytes again = encode(*first.packet);
  // The re-encoding is canonical and need not match the input's length (unknown fields are
  // dropped, repeated fields merged), so the limit here is the re-encoding itself.
  const DecodeResult second = decode(again, again.size());
  if (!second.packet || !(*second.packet == *first.packet)) std::abort();

  // A packet's encoding is its bare body's plus each update's and delta's encoded_size(): what
  // the Packer counts on to stay within a datagram. encoded_size(StoreDelta) is computed rather
  // than measured, so adversarial values (huge varints, long keys and values) are worth checking.
  const Packet& p = *first.packet;
  std::size_t expected = encode(Packet{p.body, {}, {}}).size();
  for (const MemberUpdate& u : p.updates) expected += encoded_size(u);
  for (const StoreDelta& d : p.deltas) expected += encoded_size(d);
  if (expected != again.size()) std::abort();
  return 0;
}
