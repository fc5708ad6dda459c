// Budgeted packing: the Packer accepts piggybacked updates and deltas while the encoded packet
// stays within the budget, counts exactly, and refuses what does not fit without changing the
// packet.
#include "wire_test_support.hpp"

#include <rapidcheck/gtest.h>

#include <vector>

namespace convoy::wire::test {
namespace {

RC_GTEST_PROP(Packer, StaysWithinBudgetAndPacksAllThatFit,
              (const Packet& base, const std::vector<MemberUpdate>& candidates)) {
  const std::size_t bare = encode(base).size();
  const std::size_t budget = bare + *rc::gen::inRange<std::size_t>(0, kDatagram);
  wire::Packer packer(base, budget);
  RC_ASSERT(packer.size() == bare);

  Packet expected = base;
  for (const MemberUpdate& u : candidates) {
    const std::size_t before = packer.size();
    const std::size_t n = encoded_size(u);
    if (packer.try_add(u)) {
      expected.updates.push_back(u);
      RC_ASSERT(packer.size() == before + n);
    } else {
      // Rejected only because it does not fit, and rejection changes nothing.
      RC_ASSERT(before + n > budget);
      RC_ASSERT(packer.size() == before);
    }
    RC_ASSERT(packer.size() <= budget);
    RC_ASSERT(packer.remaining() == budget - packer.size());
  }
  RC_ASSERT(packer.packet() == expected);
  const Bytes bytes = packer.finish();
  RC_ASSERT(bytes.size() == packer.size());
  const DecodeResult r = decode(bytes, budget);
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == expected);
}

// Updates and deltas offered in any interleaving: each list grows by exactly its own bytes.
RC_GTEST_PROP(Packer, MixesUpdatesAndDeltasWithinBudget,
              (const Packet& base, const std::vector<MemberUpdate>& updates,
               const std::vector<StoreDelta>& deltas)) {
  const std::size_t bare = encode(base).size();
  const std::size_t budget = bare + *rc::gen::inRange<std::size_t>(0, kDatagram);
  wire::Packer packer(base, budget);
  RC_ASSERT(packer.size() == bare);

  Packet expected = base;
  std::size_t next_update = 0;
  std::size_t next_delta = 0;
  while (next_update < updates.size() || next_delta < deltas.size()) {
    const bool take_update = next_delta == deltas.size() ||
                             (next_update < updates.size() && *rc::gen::arbitrary<bool>());
    const std::size_t before = packer.size();
    std::size_t n = 0;
    bool added = false;
    if (take_update) {
      const MemberUpdate& u = updates[next_update++];
      n = encoded_size(u);
      added = packer.try_add(u);
      if (added) expected.updates.push_back(u);
    } else {
      const StoreDelta& d = deltas[next_delta++];
      n = encoded_size(d);
      added = packer.try_add(d);
      if (added) expected.deltas.push_back(d);
    }
    if (added) {
      RC_ASSERT(packer.size() == before + n);
    } else {
      RC_ASSERT(before + n > budget);
      RC_ASSERT(packer.size() == before);
    }
    RC_ASSERT(packer.size() <= budget);
    RC_ASSERT(packer.remaining() == budget - packer.size());
    RC_ASSERT(packer.size() == encode(packer.packet()).size());
  }
  RC_ASSERT(packer.packet() == expected);
  const Bytes bytes = packer.finish();
  RC_ASSERT(bytes.size() == packer.size());
  const DecodeResult r = decode(bytes, budget);
  RC_ASSERT(r.packet.has_value());
  RC_ASSERT(*r.packet == expected);
}

TEST(Packer, DeltaTooBigForTheBudgetIsRefusedAndSmallerOnesStillFit) {
  wire::Packer packer(Packet{Gossip{}, {}, {}}, kDatagram);
  StoreDelta big = sample_delta();
  big.item.value.assign(kDatagram, 'x');
  EXPECT_FALSE(packer.try_add(big));
  EXPECT_EQ(packer.size(), encode(Packet{Gossip{}, {}, {}}).size());
  EXPECT_TRUE(packer.try_add(sample_delta()));
  EXPECT_TRUE(packer.try_add(sample_update(Address::Family::v4)));
  EXPECT_EQ(packer.finish().size(), packer.size());
}

TEST(Packer, BarePacketOverBudgetTakesNothing) {
  const Packet p{PushPull{false, {sample_update(Address::Family::v6)}, false}, {}, {}};
  wire::Packer packer(p, 10);
  EXPECT_EQ(packer.remaining(), 0u);
  EXPECT_FALSE(packer.try_add(sample_update(Address::Family::v4)));
  EXPECT_FALSE(packer.try_add(sample_delta()));
  EXPECT_EQ(packer.finish(), encode(p));
  EXPECT_EQ(packer.size(), encode(p).size());
}

TEST(Packer, FillsADatagramExactlyToTheLastUpdateThatFits) {
  wire::Packer packer(Packet{Gossip{}, {}, {}}, kDatagram);
  const MemberUpdate u = sample_update(Address::Family::v4);
  while (packer.try_add(u)) {
  }
  EXPECT_LT(packer.remaining(), encoded_size(u));
  EXPECT_EQ(packer.finish().size(), packer.size());
}

// The answers that may go as datagrams (a detail, a sync, a write's result) start a Packer like
// any other body: its measurement of a v2 body must be exact too, or a "fitting" answer would
// exceed the budget.
TEST(Packer, MeasuresVersion2BodiesExactly) {
  const OwnerVersion ov{kSampleId, kSampleEpoch, 42};
  const std::vector<Body> bodies = {
      PingReq{1000, kSampleId, Address::v4(10, 1, 2, 3, 7946), 400},
      StoreDigest{std::vector<DigestRange>(64, DigestRange{1, 63, ~0ULL})},
      StoreDigestDetail{{DigestRange{2, 4095, 0}}, std::vector<OwnerVersion>(16, ov)},
      StoreWrite{kSampleRequest, kSampleId, "k", "v", 1, false, kSampleId, kSampleEpoch, false},
      StoreWriteResult{kSampleRequest, StoreWriteResult::Outcome::done,
                       StoreItem{"k", "v", 2, false}, "", kSampleId, kSampleEpoch},
      JoinResponse{{}, {}, kSampleRequest, ov},
      PushPull{true, {}, true},
  };
  for (const Body& body : bodies) {
    const Packet p{body, {}, {}};
    wire::Packer packer(p, kDatagram);
    EXPECT_EQ(packer.size(), encode(p).size()) << p;
    while (packer.try_add(sample_delta())) {
    }
    EXPECT_LE(packer.size(), kDatagram) << p;
    EXPECT_EQ(packer.finish().size(), packer.size()) << p;
  }
}

}  // namespace
}  // namespace convoy::wire::test
