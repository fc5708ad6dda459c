// encoded_size(): the exact bytes an update, a delta, a store item or a store snapshot adds to
// its list, on which the Packer (datagrams) and the snapshot chunking (stream messages) build.
// The store sizes are computed field by field rather than measured, so they are checked against
// protobuf's own serialization: on random values, and where varint lengths change.
#include "wire_test_support.hpp"

#include <rapidcheck/gtest.h>

#include <google/protobuf/io/coded_stream.h>

#include <vector>

namespace convoy::wire::test {
namespace {

// The protobuf form of store values, built here independently of the codec's own conversion, so
// that a field the codec forgot to count (or to send) shows as a size difference.
pb::StoreItem to_proto(const StoreItem& item) {
  pb::StoreItem out;
  out.set_key(item.key);
  out.set_value(item.value);
  out.set_version(item.version);
  out.set_deleted(item.deleted);
  return out;
}

pb::StoreSnapshot to_proto(const StoreSnapshot& s) {
  pb::StoreSnapshot out;
  out.set_owner_hi(s.owner.hi);
  out.set_owner_lo(s.owner.lo);
  out.set_epoch(s.epoch);
  out.set_version(s.version);
  out.set_since(s.since);
  out.set_complete(s.complete);
  for (const StoreItem& i : s.items) *out.add_items() = to_proto(i);
  return out;
}

// What `item` adds to a snapshot, as protobuf serializes it: the size of a snapshot holding
// nothing else.
std::size_t serialized_in_snapshot(const StoreItem& item) {
  pb::StoreSnapshot s;
  *s.add_items() = to_proto(item);
  return s.SerializeAsString().size();
}

std::size_t varint_size(std::size_t n) {
  return google::protobuf::io::CodedOutputStream::VarintSize64(n);
}

RC_GTEST_PROP(CodecSize, EncodedSizeIsExact, (const Packet& packet, const MemberUpdate& u)) {
  Packet more = packet;
  more.updates.push_back(u);
  RC_ASSERT(encode(more).size() == encode(packet).size() + encoded_size(u));
}

RC_GTEST_PROP(CodecSize, DeltaEncodedSizeIsExact, (const Packet& packet, const StoreDelta& d)) {
  Packet more = packet;
  more.deltas.push_back(d);
  RC_ASSERT(encode(more).size() == encode(packet).size() + encoded_size(d));
}

// Any item, a failed write's included (its key may be empty or longer than 256 bytes).
RC_GTEST_PROP(CodecSize, ItemEncodedSizeMatchesProtobuf, ()) {
  const StoreItem item = *rc::gen::weightedOneOf<StoreItem>(
      {{3, rc::gen::arbitrary<StoreItem>()}, {1, testgen::failed_item()}});
  RC_ASSERT(encoded_size(item) == serialized_in_snapshot(item));
}

// A snapshot's size in both lists that carry snapshots: StoreSync.snapshots and
// JoinResponse.stores.
RC_GTEST_PROP(CodecSize, SnapshotEncodedSizeMatchesProtobuf, (const StoreSnapshot& snapshot)) {
  pb::StoreSync sync;
  *sync.add_snapshots() = to_proto(snapshot);
  RC_ASSERT(encoded_size(snapshot) == sync.SerializeAsString().size());
  pb::JoinResponse join;
  *join.add_stores() = to_proto(snapshot);
  RC_ASSERT(encoded_size(snapshot) == join.SerializeAsString().size());
}

// The sizes of a list add up, and a whole StoreSync packet is its envelope, its body's tag and
// length, and exactly those sizes (what the chunking of big transfers counts on).
RC_GTEST_PROP(CodecSize, SnapshotSizesAddUpToTheWholePacket,
              (const std::vector<StoreSnapshot>& snapshots)) {
  std::size_t body = 0;
  for (const StoreSnapshot& s : snapshots) body += encoded_size(s);
  const std::size_t body_tag = 1;  // StoreSync is body 15: a one-byte tag
  RC_ASSERT(encode(Packet{StoreSync{snapshots, {}}, {}, {}}).size() ==
            kEnvelopeHeaderSize + body_tag + varint_size(body) + body);
  const std::size_t join_tag = 1;  // JoinResponse is body 11
  RC_ASSERT(encode(Packet{JoinResponse{{}, snapshots, 0, std::nullopt}, {}, {}}).size() ==
            kEnvelopeHeaderSize + join_tag + varint_size(body) + body);
}

TEST(CodecSize, DeltaSizeAcrossLengthPrefixes) {
  // encoded_size(StoreDelta) is computed, not measured: check it where varints change length.
  for (std::size_t n : {0, 1, 127, 128, 16383, 16384, 70000}) {
    StoreDelta d = sample_delta();
    d.item.value.assign(n, 'x');
    for (const std::uint64_t big : {0ULL, 127ULL, 128ULL, ~0ULL}) {
      d.epoch = big;
      d.item.version = big;
      d.owner.hi = big;
      d.item.deleted = n == 0 && big != 0;
      const Packet bare{Gossip{}, {}, {}};
      const Packet one{Gossip{}, {}, {d}};
      EXPECT_EQ(encode(one).size(), encode(bare).size() + encoded_size(d))
          << n << " value bytes, " << big;
    }
  }
}

// Item and snapshot sizes where a length prefix grows a byte: the item's own (its payload
// crossing 127, 16383 and 2097151 bytes) and the snapshot's, with every scalar at 0 (omitted),
// at one-byte values and at its largest.
TEST(CodecSize, ItemAndSnapshotSizesAcrossLengthPrefixes) {
  const std::vector<std::size_t> payloads = {0, 1, 127, 128, 16383, 16384, 2097151, 2097152};
  for (const std::size_t payload : payloads) {
    for (const std::uint64_t big : {0ULL, 1ULL, 127ULL, 128ULL, ~0ULL}) {
      // An item of `payload` bytes before its framing: key 1 byte (3 with tag and length), the
      // version's varint, then a value filling the rest (its own length prefix included).
      StoreItem item{"k", "", big, false};
      const std::size_t fixed = 3 + (big == 0 ? 0 : 1 + varint_size(big));
      if (payload > fixed + 1) {
        std::size_t n = payload - fixed - 2;  // tag and a one-byte length
        while (n > 0 && 1 + varint_size(n) + n + fixed > payload) --n;
        item.value.assign(n, 'v');
      }
      EXPECT_EQ(encoded_size(item), serialized_in_snapshot(item))
          << payload << " bytes, scalars " << big;

      const StoreSnapshot snapshot{
          MemberId{big, big == 0 ? 1 : big}, big, big, big, big != 0, {item, item}};
      pb::StoreSync sync;
      *sync.add_snapshots() = to_proto(snapshot);
      EXPECT_EQ(encoded_size(snapshot), sync.SerializeAsString().size())
          << payload << " bytes, scalars " << big;
    }
  }
}

// A snapshot with no item at all, and one whose only item is all defaults (the empty key of a
// failed write's echo): sizes of fields that are all left out.
TEST(CodecSize, EmptySnapshotsAndEmptyItems) {
  const StoreItem empty{};
  EXPECT_EQ(encoded_size(empty), 2u);  // tag and a zero length
  EXPECT_EQ(encoded_size(empty), serialized_in_snapshot(empty));
  const StoreSnapshot bare{MemberId{0, 1}, 0, 0, 0, false, {}};
  EXPECT_EQ(encoded_size(bare), 11u);  // tag, length, owner_lo (tag + 8)
  const StoreSnapshot with_empty{MemberId{0, 1}, 0, 0, 0, false, {empty, empty}};
  EXPECT_EQ(encoded_size(with_empty), 15u);
}

}  // namespace
}  // namespace convoy::wire::test
