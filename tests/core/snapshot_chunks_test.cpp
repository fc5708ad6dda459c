// SnapshotChunks: every piece and every message within its budget, order kept, and — what
// matters — a replica fed the pieces in order ends exactly where the whole snapshot would have
// left it, for range transfers and complete snapshots alike, whatever it held before.
#include "core/replication/snapshot_chunks.hpp"
#include "core/replication/store_replica.hpp"
#include "wire/codec.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>

namespace convoy::core {
namespace {

using namespace std::chrono_literals;

const MemberId kOwner{7, 7};
const StoreLimits kLimits{256, 1 << 20};

TimePoint at(int s) {
  return TimePoint(std::chrono::seconds(s));
}

/// An owner's store after a random history of puts and erases over a few keys with values of
/// random size (some large), and a replica that saw only a prefix of it.
struct History {
  StoreReplica owner{make_epoch_for_test()};
  StoreReplica behind;
  static std::uint64_t make_epoch_for_test() { return (std::uint64_t{1} << 32) | 1; }
};

History history(const std::vector<std::tuple<int, int, int>>& ops, std::size_t seen) {
  History h;
  std::size_t i = 0;
  for (auto [op, k, size] : ops) {
    const std::string key = "k" + std::to_string(k % 12);
    const auto* cur = h.owner.find(key);
    const std::uint64_t expected = cur ? cur->version : 0;
    WriteResult r = op % 4 == 0 ? h.owner.erase(key, expected, at(1), kLimits)
                                : h.owner.put(key, std::string(static_cast<unsigned>(size) % 3000, 'x'), expected,
                                              at(1), kLimits);
    if (++i == seen) h.behind.apply(h.owner.snapshot_since(kOwner, 0, 0), at(1));
  }
  return h;
}

RC_GTEST_PROP(SnapshotChunks, PiecesApplyToTheSameReplicaAsTheWhole,
              (const std::vector<std::tuple<int, int, int>>& ops, std::size_t seen_raw,
               std::size_t budget_raw, bool complete)) {
  RC_PRE(!ops.empty());
  History h = history(ops, seen_raw % (ops.size() + 1));
  const std::size_t budget = 200 + budget_raw % 8000;
  // The behind replica asks for what it lacks; a complete snapshot is what a replica that
  // fell behind tombstone collection gets.
  const wire::StoreSnapshot whole =
      complete ? h.owner.snapshot_since(kOwner, 0, 0)
               : h.owner.snapshot_since(kOwner, h.behind.epoch(), h.behind.version());
  const auto pieces = split_snapshot(whole, budget);
  RC_ASSERT(!pieces.empty());
  for (const auto& p : pieces) {
    // A piece may exceed the budget only when it is a single item too big for any piece.
    RC_ASSERT(wire::encoded_size(p) <= budget || p.items.size() == 1);
  }
  RC_ASSERT(pieces.back().version == whole.version);

  StoreReplica by_whole = h.behind;
  StoreReplica by_pieces = h.behind;
  by_whole.apply(whole, at(2));
  for (const auto& p : pieces) by_pieces.apply(p, at(2));
  RC_ASSERT(by_pieces.content_hash() == by_whole.content_hash());
  RC_ASSERT(by_pieces.version() == by_whole.version());
  RC_ASSERT(by_pieces.content_hash() == h.owner.content_hash());
  RC_ASSERT(by_pieces.version() == h.owner.version());
}

RC_GTEST_PROP(SnapshotChunks, MessagesKeepTheirBudgetsAndTheOrder,
              (const std::vector<std::uint8_t>& sizes, std::size_t first_raw,
               std::size_t budget_raw)) {
  std::vector<wire::StoreSnapshot> snapshots;
  std::uint64_t owner = 1;
  for (std::uint8_t size : sizes) {
    wire::StoreSnapshot s{MemberId{1, owner++}, 1, size, 0, false, {}};
    for (std::uint64_t v = 1; v <= size; ++v)
      s.items.push_back({"key" + std::to_string(v), std::string(v * 7 % 300, 'y'), v, false});
    snapshots.push_back(std::move(s));
  }
  const std::size_t budget = 400 + budget_raw % 20000;
  const std::size_t first = first_raw % budget;
  const auto chunks = chunk_snapshots(snapshots, first, budget);
  RC_ASSERT(!chunks.empty());
  std::vector<MemberId> order;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    std::size_t total = 0;
    for (const auto& s : chunks[c]) {
      total += wire::encoded_size(s);
      if (order.empty() || order.back() != s.owner) order.push_back(s.owner);
    }
    RC_ASSERT(total <= (c == 0 ? first : budget));
    if (c > 0) RC_ASSERT(!chunks[c].empty());
  }
  std::vector<MemberId> expected;
  for (const auto& s : snapshots) expected.push_back(s.owner);
  RC_ASSERT(order == expected);
}

TEST(SnapshotChunks, AnItemTooBigForABudgetTravelsAlone) {
  wire::StoreSnapshot s{kOwner, 1, 3, 0, true, {}};
  s.items.push_back({"a", std::string(100, 'a'), 1, false});
  s.items.push_back({"b", std::string(5000, 'b'), 2, false});
  s.items.push_back({"c", std::string(100, 'c'), 3, false});
  const auto pieces = split_snapshot(s, 1000);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_TRUE(pieces[0].complete);
  EXPECT_FALSE(pieces[1].complete);
  EXPECT_EQ(pieces[1].items.size(), 1u);
  EXPECT_EQ(pieces[1].since, 1u);
  EXPECT_EQ(pieces[2].since, 2u);
  EXPECT_EQ(pieces[2].version, 3u);
}

}  // namespace
}  // namespace convoy::core
