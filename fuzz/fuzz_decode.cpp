// libFuzzer target for the datagram decoder: the one function every packet from the network
// reaches before anything else. Besides "never crashes", it checks that whatever decodes is a
// value the encoder reproduces exactly, so the core never holds a packet the codec cannot send.
#include "wire/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

// The largest datagram the fuzzer may feed; bigger inputs exercise only the size check.
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
  return 0;
}
