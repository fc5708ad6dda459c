// The figures quoted in docs/protocol.md ("Sizes" and the digest tree's worked example). If one
// of these fails, the schema or the conversion changed: update the document together with the
// numbers here.
#include "wire_test_support.hpp"

#include <vector>

namespace convoy::wire::test {
namespace {

const MemberId kTarget = kSampleId;

// How many copies of `item` (an update or a delta) a default datagram carries after `base`.
template <typename T>
std::size_t fill(const Packet& base, const T& item) {
  wire::Packer packer(base, kDatagram);
  std::size_t n = 0;
  while (packer.try_add(item)) ++n;
  return n;
}

std::size_t bare(const Body& body) {
  return encode(Packet{body, {}, {}}).size();
}

// A hash as the digest tree has them: random-looking, the top bit set (fixed64: the size is the
// same for any non-zero value; a zero hash, an empty range, is left out).
constexpr std::uint64_t kHash = 0x9e3779b97f4a7c15ULL;

// The 64 children of range (level, index), every one of them holding some owner.
StoreDigest children_of(std::uint32_t level, std::uint32_t index) {
  StoreDigest d;
  for (std::uint32_t c = 0; c < 64; ++c)
    d.ranges.push_back(DigestRange{level + 1, (index << kDigestLevelBits) | c, kHash});
  return d;
}

TEST(WireSizes, MemberUpdates) {
  const MemberUpdate v4 = sample_update(Address::Family::v4);
  const MemberUpdate v6 = sample_update(Address::Family::v6);
  EXPECT_EQ(encoded_size(v4), 33u);
  EXPECT_EQ(encoded_size(v6), 45u);

  MemberUpdate worst = v6;
  worst.id = MemberId{~0ULL, ~0ULL};
  worst.incarnation = ~0ULL;
  worst.address.port = 65535;
  EXPECT_EQ(encoded_size(worst), 55u);
  worst.address = Address::v4(255, 255, 255, 255, 65535);
  EXPECT_EQ(encoded_size(worst), 43u);
  EXPECT_EQ(fill(Packet{Gossip{}, {}, {}}, worst), 32u);
}

TEST(WireSizes, ProbesAndTheirPiggyback) {
  const MemberUpdate v4 = sample_update(Address::Family::v4);
  const MemberUpdate v6 = sample_update(Address::Family::v6);
  const Packet gossip{Gossip{}, {}, {}};
  const Packet ping{Ping{1000, kTarget}, {}, {}};
  // A requester's nack deadline is the rest of its probe period: about 500 ms by default.
  const Packet ping_req_v4{PingReq{1000, kTarget, v4.address, 500}, {}, {}};
  const Packet ping_req_v6{PingReq{1000, kTarget, v6.address, 500}, {}, {}};

  EXPECT_EQ(encode(gossip).size(), 7u);
  EXPECT_EQ(encode(Packet{Ack{1000}, {}, {}}).size(), 10u);
  EXPECT_EQ(encode(Packet{Nack{1000}, {}, {}}).size(), 10u);
  EXPECT_EQ(encode(ping).size(), 28u);
  // The ping that opens an anti-entropy round carries its root and round: 18 bytes more, where
  // the round used to take a datagram of its own.
  EXPECT_EQ(
      encode(Packet{Ping{1000, kTarget, 0x0102030405060708ULL, 0x1112131415161718ULL}, {}, {}})
          .size(),
      46u);
  EXPECT_EQ(encode(Packet{Ping{1000, kTarget, 77, 0}, {}, {}}).size(), 28u);  // no round, no root
  EXPECT_EQ(encode(ping_req_v4).size(), 40u);
  EXPECT_EQ(encode(ping_req_v6).size(), 52u);
  // Without a deadline (0: the relay's default) the field is left out.
  EXPECT_EQ(bare(PingReq{1000, kTarget, v4.address, 0}), 37u);

  EXPECT_EQ(fill(gossip, v4), 42u);
  EXPECT_EQ(fill(gossip, v6), 30u);
  EXPECT_EQ(fill(Packet{Ack{1000}, {}, {}}, v4), 42u);
  EXPECT_EQ(fill(ping, v4), 41u);
  EXPECT_EQ(fill(ping, v6), 30u);
  EXPECT_EQ(fill(ping_req_v4, v4), 41u);
  EXPECT_EQ(fill(ping_req_v4, v6), 30u);
  EXPECT_EQ(fill(ping_req_v6, v4), 40u);
  EXPECT_EQ(fill(ping_req_v6, v6), 29u);
}

TEST(WireSizes, StoreDeltas) {
  const MemberUpdate v4 = sample_update(Address::Family::v4);
  const Packet gossip{Gossip{}, {}, {}};
  // Store deltas carry no address: one figure for IPv4 and IPv6 clusters alike.
  const StoreDelta delta = sample_delta();  // 16-byte key, 32-byte value
  EXPECT_EQ(encoded_size(delta), 80u);
  StoreDelta tombstone = delta;
  tombstone.item.value.clear();
  tombstone.item.deleted = true;
  EXPECT_EQ(encoded_size(tombstone), 48u);
  StoreDelta no_value = delta;
  no_value.item.value.clear();
  EXPECT_EQ(encoded_size(no_value), 46u);
  EXPECT_EQ(fill(gossip, delta), 17u);
  EXPECT_EQ(fill(Packet{Ping{1000, kTarget}, {}, {}}, delta), 17u);
  EXPECT_EQ(fill(Packet{Gossip{}, std::vector<MemberUpdate>(10, v4), {}}, delta), 13u);
  // Where the value's and the delta's length prefixes grow: 48 + n up to n = 81, 49 + n up to
  // 127, 50 + n up to 16,336.
  auto with_value = [&](std::size_t n) {
    StoreDelta d = delta;
    d.item.value.assign(n, 'x');
    return encoded_size(d);
  };
  EXPECT_EQ(with_value(81), 48u + 81);
  EXPECT_EQ(with_value(82), 49u + 82);
  EXPECT_EQ(with_value(127), 49u + 127);
  EXPECT_EQ(with_value(128), 50u + 128);
  EXPECT_EQ(with_value(16336), 50u + 16336);
  EXPECT_EQ(with_value(16337), 51u + 16337);
  // An epoch's varint: 5 bytes for life counters 1..7, 6 from 8 to 1023.
  auto with_epoch = [&](std::uint64_t counter) {
    StoreDelta d = delta;
    d.epoch = (counter << 32) | 0xffffffffULL;
    return encoded_size(d);
  };
  EXPECT_EQ(with_epoch(7), encoded_size(delta));
  EXPECT_EQ(with_epoch(8), encoded_size(delta) + 1);
  EXPECT_EQ(with_epoch(1023), encoded_size(delta) + 1);
  EXPECT_EQ(with_epoch(1024), encoded_size(delta) + 2);
  // The largest value a delta with a 16-byte key can have and still travel in a Gossip.
  StoreDelta largest = delta;
  largest.item.value.assign(1343, 'x');
  EXPECT_EQ(encode(Packet{Gossip{}, {}, {largest}}).size(), kDatagram);
}

// The descent of the digest tree for one differing owner among 10,000 (docs/protocol.md, "Store
// anti-entropy"): the root, the 64 level-1 ranges (~156 owners each, more than a detail takes),
// the 64 children of the one that differs (~2.4 owners each), then the detail of the differing
// level-2 range. Every range is counted as non-empty: these are the largest sizes.
TEST(WireSizes, DigestTreeDescent) {
  EXPECT_EQ(bare(StoreDigest{{DigestRange{0, 0, kHash}}}), 18u);
  EXPECT_EQ(bare(StoreDigest{{DigestRange{0, 0, 0}}}), 9u);  // a member with no written store
  EXPECT_EQ(bare(children_of(0, 0)), 966u);
  // A level-1 range of index 2..63 has children of indexes 128..4095: two-byte varints.
  EXPECT_EQ(bare(children_of(1, 40)), 1032u);
  EXPECT_EQ(bare(children_of(1, 1)), 968u);      // indexes 64..127: still one byte
  EXPECT_EQ(bare(children_of(2, 2600)), 1096u);  // level 3: three-byte indexes
  const OwnerVersion ov{kSampleId, kSampleEpoch, 42};
  const DigestRange differing{2, 2600, 0};  // a detail's ranges carry no hash
  EXPECT_EQ(bare(StoreDigestDetail{{differing}, {ov}}), 42u);
  EXPECT_EQ(bare(StoreDigestDetail{{differing}, {ov, ov, ov}}), 98u);  // 28 bytes per owner
  EXPECT_EQ(bare(StoreDigestDetail{{differing}, std::vector<OwnerVersion>(16, ov)}), 463u);
  // The most a StoreDigest may list: 4,096 ranges (64 differing ranges expanded), level 3.
  StoreDigest most;
  for (std::uint32_t i = 0; i < 64; ++i) {
    const StoreDigest c = children_of(2, 4000 + i);
    most.ranges.insert(most.ranges.end(), c.ranges.begin(), c.ranges.end());
  }
  EXPECT_EQ(bare(most), 69641u);
  // Version 1's flat digest was 64 buckets of 8 bytes: 523 bytes every round, differing or not.
}

// The byte layouts drawn in docs/protocol.md ("Byte layouts of the digest tree").
TEST(WireSizes, DigestBytesAreTheDrawnOnes) {
  const Bytes root =
      encode(Packet{StoreDigest{{DigestRange{0, 0, 0x0807060504030201ULL}}}, {}, {}});
  const Bytes drawn = {'C', 'N', 'V', 'Y', 2, 0x6a, 0x0b, 0x12, 0x09, 0x19, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(root, drawn);

  // One range of a digest: its size with tag and length, from the packet around it alone (an
  // envelope, the body's tag and a one-byte body length: 7 bytes).
  auto range_size = [](const DigestRange& r) { return bare(StoreDigest{{r}}) - 7; };
  EXPECT_EQ(range_size(DigestRange{0, 0, kHash}), 11u);
  EXPECT_EQ(range_size(DigestRange{1, 0, kHash}), 13u);
  EXPECT_EQ(range_size(DigestRange{1, 63, kHash}), 15u);
  EXPECT_EQ(range_size(DigestRange{2, 127, kHash}), 15u);
  EXPECT_EQ(range_size(DigestRange{2, 128, kHash}), 16u);
  EXPECT_EQ(range_size(DigestRange{3, 16383, kHash}), 16u);
  EXPECT_EQ(range_size(DigestRange{3, 16384, kHash}), 17u);
  EXPECT_EQ(range_size(DigestRange{3, 262143, kHash}), 17u);
  EXPECT_EQ(range_size(DigestRange{3, 262143, 0}), 8u);  // an empty range: no hash

  const Bytes child = encode(Packet{StoreDigest{{DigestRange{2, 200, kHash}}}, {}, {}});
  const Bytes child_drawn = {'C',  'N',  'V',  'Y',  2,    0x6a, 0x10, 0x12, 0x0e, 0x08, 0x02, 0x10,
                             0xc8, 0x01, 0x19, 0x15, 0x7c, 0x4a, 0x7f, 0xb9, 0x79, 0x37, 0x9e};
  EXPECT_EQ(child, child_drawn);
}

TEST(WireSizes, StoreBodies) {
  const StoreDelta delta = sample_delta();
  const OwnerVersion ov{kSampleId, kSampleEpoch, 42};
  EXPECT_EQ(bare(StoreSync{{}, {ov}}), 35u);
  EXPECT_EQ(bare(StoreSync{{}, {ov, ov}}), 63u);
  const StoreSnapshot snapshot{kSampleId, kSampleEpoch, 42, 40, false, {delta.item}};
  EXPECT_EQ(encoded_size(snapshot), 86u);
  EXPECT_EQ(bare(StoreSync{{snapshot}, {}}), 93u);
  EXPECT_EQ(bare(StoreWrite{kSampleRequest, kSampleId, delta.item.key, delta.item.value, 41, false,
                            kSampleId, kSampleEpoch, false}),
            115u);
  EXPECT_EQ(bare(StoreWrite{kSampleRequest, kSampleId, delta.item.key, delta.item.value, 0, false,
                            kSampleId, 0, false}),
            107u);  // a write expecting the key to be absent, in any epoch
  EXPECT_EQ(bare(StoreWrite{kSampleRequest, kSampleId, delta.item.key, delta.item.value, 0, false,
                            kSampleId, 0, true}),
            109u);  // a write with no expectation at all
  EXPECT_EQ(bare(StoreWriteResult{kSampleRequest, StoreWriteResult::Outcome::done, delta.item, "",
                                  kSampleId, kSampleEpoch}),
            101u);
}

TEST(WireSizes, JoinAndPushPull) {
  const MemberUpdate v4 = sample_update(Address::Family::v4);
  EXPECT_EQ(bare(JoinRequest{v4, kSampleRequest}), 51u);
  const OwnerVersion joiner{kSampleId, kSampleEpoch, 42};
  EXPECT_EQ(bare(JoinResponse{{v4}, {}, kSampleRequest, std::nullopt}), 51u);
  EXPECT_EQ(bare(JoinResponse{{v4}, {}, kSampleRequest, joiner}), 79u);
  const StoreSnapshot store100{
      kSampleId, kSampleEpoch, 100, 0, true, std::vector<StoreItem>(100, sample_delta().item)};
  EXPECT_EQ(encoded_size(store100), 5631u);  // about 56 bytes per item
  EXPECT_EQ(bare(JoinResponse{{}, {store100}, kSampleRequest, std::nullopt}), 5650u);
  EXPECT_EQ(bare(PushPull{false, {v4}, false}), 40u);
  EXPECT_EQ(bare(PushPull{false, {v4}, true}), 42u);
  EXPECT_EQ(bare(PushPull{true, {v4}, true}), 44u);
  // The periodic exchange's summary and an equal view's answer: the hash alone.
  EXPECT_EQ(bare(PushPull{false, {}, false, 0x0123456789ABCDEFULL, false}), 16u);
  EXPECT_EQ(bare(PushPull{true, {}, false, 0x0123456789ABCDEFULL, false}), 18u);
}

}  // namespace
}  // namespace convoy::wire::test
