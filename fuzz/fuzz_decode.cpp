// libFuzzer target for the decoder: the one function every datagram and stream message from the
// network reaches before anything else, so one target covers every message, membership and store
// alike. Besides "never crashes", it checks that whatever decodes is a value the encoder
// reproduces exactly, so the core never holds a packet the codec cannot send; that it keeps the
// rules the core relies on without checking them again (digest ranges inside the tree, 1..4096
// of them, non-nil owners and requesters); and that the sizes the Packer and the chunking of
// store transfers budget with are exact for it.
#include "wire/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

namespace {

using namespace convoy::wire;

// The largest input the harness accepts (stream messages included); bigger inputs exercise only
// the size check.
constexpr std::size_t kMaxSize = 65536;
constexpr std::size_t kMaxRanges = 4096;

void require(bool ok) {
  if (!ok) std::abort();
}

std::size_t varint_size(std::size_t n) {
  std::size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

// The encoded size of a packet whose body (at a one-byte tag) holds `payload` bytes.
std::size_t packet_size(std::size_t payload) {
  return kEnvelopeHeaderSize + 1 + varint_size(payload) + payload;
}

void check_ranges(const std::vector<DigestRange>& ranges) {
  require(ranges.size() <= kMaxRanges);
  for (const DigestRange& r : ranges) {
    require(r.level <= kMaxDigestLevel);
    require(r.index < (std::uint64_t{1} << (kDigestLevelBits * r.level)));
  }
}

// encoded_size(StoreSnapshot) and encoded_size(StoreItem) are computed field by field rather than
// measured, so adversarial values are worth checking against protobuf's own encoding: a body of
// these snapshots, and a snapshot of each one's items, must encode to exactly the sum.
void check_snapshot_sizes(const std::vector<StoreSnapshot>& snapshots) {
  std::size_t total = 0;
  for (const StoreSnapshot& s : snapshots) {
    total += encoded_size(s);
    std::size_t items = 0;
    for (const StoreItem& i : s.items) items += encoded_size(i);
    const StoreSnapshot bare_items{{}, 0, 0, 0, false, s.items};
    require(encode(Packet{StoreSync{{bare_items}, {}}, {}, {}}).size() ==
            packet_size(1 + varint_size(items) + items));
  }
  require(encode(Packet{StoreSync{snapshots, {}}, {}, {}}).size() == packet_size(total));
}

// What the rules of docs/protocol.md promise about a decoded body.
struct BodyRules {
  void operator()(const StoreDigest& b) const {
    require(!b.ranges.empty());
    check_ranges(b.ranges);
  }
  void operator()(const StoreDigestDetail& b) const {
    check_ranges(b.ranges);
    for (const OwnerVersion& o : b.owners) require(!o.owner.is_nil());
  }
  void operator()(const StoreSync& b) const { check_snapshot_sizes(b.snapshots); }
  void operator()(const JoinResponse& b) const {
    if (b.joiner_store) require(!b.joiner_store->owner.is_nil());
    check_snapshot_sizes(b.stores);
  }
  void operator()(const StoreWrite& b) const {
    require(!b.owner.is_nil());
    require(!b.requester.is_nil());
  }
  void operator()(const StoreWriteResult& b) const { require(!b.owner.is_nil()); }
  template <typename B>
  void operator()(const B&) const {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const DecodeResult first = decode(std::span(data, size), kMaxSize);
  if (!first.packet) {
    require(static_cast<std::size_t>(first.error) < kDecodeErrorCount);
    return 0;
  }
  const Bytes again = encode(*first.packet);
  // The re-encoding is canonical and need not match the input's length (unknown fields are
  // dropped, repeated fields merged), so the limit here is the re-encoding itself.
  const DecodeResult second = decode(again, again.size());
  require(second.packet && *second.packet == *first.packet);

  const Packet& p = *first.packet;
  std::visit(BodyRules{}, p.body);

  // A packet's encoding is its bare body's plus each update's and delta's encoded_size(): what
  // the Packer counts on to stay within a datagram. encoded_size(StoreDelta) is computed rather
  // than measured, so adversarial values (huge varints, long keys and values) are worth checking.
  std::size_t expected = encode(Packet{p.body, {}, {}}).size();
  for (const MemberUpdate& u : p.updates) expected += encoded_size(u);
  for (const StoreDelta& d : p.deltas) expected += encoded_size(d);
  require(expected == again.size());
  return 0;
}
