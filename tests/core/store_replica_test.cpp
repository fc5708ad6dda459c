// Tests of StoreReplica (owner compare-and-set writes; deltas, range transfers and complete
// snapshots merging in any order, with tombstone collection and epoch changes) and of
// Subscription (filter, bounded queue, overflow reporting). The properties replay random owner
// histories and check every replica against the owner's write log: whatever arrived in
// whatever order, a replica never holds an invented item and never misses a write at or below
// its watermark.
#include "core/replication/store_replica.hpp"
#include "core/directory/subscription.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace convoy::core {
namespace {

const MemberId kOwner{0, 7};
const StoreLimits kLimits{};
const std::vector<std::string> kKeys = {"a", "b", "c", "d"};

TimePoint at(std::int64_t n) {
  return TimePoint{Duration{n}};
}

std::optional<wire::StoreItem> held(const StoreReplica& r, const std::string& key) {
  const auto* item = r.find(key);
  return item ? std::optional<wire::StoreItem>(*item) : std::nullopt;
}

std::map<std::string, wire::StoreItem> live_items(const StoreReplica& r) {
  std::map<std::string, wire::StoreItem> out;
  r.for_each([&](const wire::StoreItem& item) { out.emplace(item.key, item); });
  return out;
}

std::uint64_t current_version(const StoreReplica& r, const std::string& key) {
  const auto* item = r.find(key);
  return item ? item->version : 0;
}

/// An owner and the deltas its writes produced, plus the full write log by version.
struct History {
  StoreReplica owner{1};
  std::vector<wire::StoreItem> deltas;
  std::map<std::uint64_t, wire::StoreItem> log;

  /// A put (or, for odd `op`, an erase) of key `k` with the right expected version.
  void write(int op, int k, int value, TimePoint now) {
    const std::string& key = kKeys[static_cast<std::size_t>(k) % kKeys.size()];
    const std::uint64_t before = owner.version();
    const auto result = op % 2 == 0 ? owner.put(key, "v" + std::to_string(value),
                                                current_version(owner, key), now, kLimits)
                                    : owner.erase(key, current_version(owner, key), now, kLimits);
    RC_ASSERT(result.status == WriteStatus::done);
    if (owner.version() == before) return;  // erase of nothing: no new version to replicate
    RC_ASSERT(owner.version() == before + 1);
    const auto* item = owner.find(key);
    RC_ASSERT(item != nullptr);
    RC_ASSERT(item->version == owner.version());
    deltas.push_back(*item);
    log.emplace(item->version, *item);
  }
};

History random_history() {
  History h;
  const auto ops = *rc::gen::resize(
      40, rc::gen::container<std::vector<std::tuple<int, int, int>>>(rc::gen::tuple(
              rc::gen::inRange(0, 3), rc::gen::inRange(0, 4), rc::gen::inRange(0, 5))));
  std::int64_t t = 0;
  // op 0 and 2 are puts, 1 an erase: keys are live more often than not.
  for (auto [op, k, v] : ops) h.write(op == 1 ? 1 : 0, k, v, at(++t));
  return h;
}

/// The replica agrees with the owner's log: every held item is a real write, and for every key
/// the last write at or below the watermark is reflected (a put held at that version or newer;
/// a delete not contradicted by an older live item).
void check_consistent(const StoreReplica& r, const std::map<std::uint64_t, wire::StoreItem>& log) {
  for (const auto& key : kKeys) {
    const auto* item = r.find(key);
    if (item) {
      auto it = log.find(item->version);
      RC_ASSERT(it != log.end());
      RC_ASSERT(it->second == *item);
    }
    std::optional<wire::StoreItem> last;
    for (const auto& [version, write] : log) {
      if (version > r.version()) break;
      if (write.key == key) last = write;
    }
    if (!last) continue;
    if (!last->deleted) {
      RC_ASSERT(item != nullptr);
      RC_ASSERT(item->version >= last->version);
    } else if (item != nullptr) {
      RC_ASSERT(item->version >= last->version);
    }
  }
}

// --- Owner writes --------------------------------------------------------------------------------

TEST(StoreReplica, CompareAndSetTakesConsecutiveVersionsAcrossKeys) {
  StoreReplica s(1);
  auto a = s.put("a", "1", 0, at(1), kLimits);
  ASSERT_EQ(a.status, WriteStatus::done);
  EXPECT_EQ(a.item, (Item{"1", 1, false, 1}));
  auto b = s.put("b", "2", 0, at(1), kLimits);
  EXPECT_EQ(b.item.version, 2u);
  auto a2 = s.put("a", "3", 1, at(1), kLimits);
  ASSERT_EQ(a2.status, WriteStatus::done);
  EXPECT_EQ(a2.item, (Item{"3", 3, false, 1}));
  EXPECT_EQ(s.version(), 3u);
  EXPECT_EQ(s.max_seen(), 3u);
  EXPECT_EQ(s.live_count(), 2u);
}

TEST(StoreReplica, WrongExpectedVersionIsAConflictCarryingTheCurrentItem) {
  StoreReplica s(1);
  ASSERT_EQ(s.put("a", "1", 0, at(1), kLimits).status, WriteStatus::done);
  auto stale = s.put("a", "2", 0, at(1), kLimits);
  EXPECT_EQ(stale.status, WriteStatus::conflict);
  EXPECT_EQ(stale.item, (Item{"1", 1, false, 1}));
  auto ahead = s.put("b", "x", 5, at(1), kLimits);
  EXPECT_EQ(ahead.status, WriteStatus::conflict);
  EXPECT_EQ(ahead.item, (Item{"", 0, false, 1}));  // absent: version 0, in this store's epoch
  EXPECT_EQ(s.version(), 1u);     // conflicts change nothing
  EXPECT_EQ(s.find("b"), nullptr);
}

TEST(StoreReplica, ReservedPrefixIsForTheSystemOnly) {
  StoreReplica s(1);
  auto user = s.put("convoy.role", "x", 0, at(1), kLimits);
  EXPECT_EQ(user.status, WriteStatus::failed);
  EXPECT_NE(user.error.find("convoy."), std::string::npos);
  EXPECT_EQ(s.erase("convoy.role", 0, at(1), kLimits).status, WriteStatus::failed);
  EXPECT_EQ(s.put("convoy.role", "x", 0, at(1), kLimits, KeySpace::system).status,
            WriteStatus::done);
  EXPECT_EQ(s.put("convoy", "x", 0, at(1), kLimits).status, WriteStatus::done);
}

TEST(StoreReplica, OversizedValueIsRefusedNeverTruncated) {
  StoreReplica s(1);
  const StoreLimits limits{.max_key = 8, .max_value = 10};
  auto big = s.put("k", std::string(11, 'x'), 0, at(1), limits);
  EXPECT_EQ(big.status, WriteStatus::failed);
  EXPECT_NE(big.error.find("11"), std::string::npos) << big.error;
  EXPECT_NE(big.error.find("10"), std::string::npos) << big.error;
  EXPECT_EQ(s.find("k"), nullptr);
  EXPECT_EQ(s.version(), 0u);
  auto fits = s.put("k", std::string(10, 'x'), 0, at(1), limits);
  ASSERT_EQ(fits.status, WriteStatus::done);
  EXPECT_EQ(fits.item.value.size(), 10u);
  EXPECT_EQ(s.put(std::string(9, 'k'), "", 0, at(1), limits).status, WriteStatus::failed);
  EXPECT_EQ(s.put("", "v", 0, at(1), limits).status, WriteStatus::failed);
}

TEST(StoreReplica, KeysMustBeValidUtf8) {
  for (std::string bad :
       {"\x80", "a\xC0\x80", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
        "\xF5\x80\x80\x80", "\xE2\x82", "\xF0\x9F\x98", "\xC3\x28", "\xFF"}) {
    EXPECT_TRUE(StoreReplica::invalid(bad, "", kLimits, KeySpace::user).has_value()) << bad;
  }
  for (std::string good : {"plain", "h\xC3\xA9llo", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80",
                           "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80"}) {
    EXPECT_FALSE(StoreReplica::invalid(good, "", kLimits, KeySpace::user).has_value()) << good;
  }
  StoreReplica s(1);
  EXPECT_EQ(s.put("\xED\xA0\x80", "v", 0, at(1), kLimits).status, WriteStatus::failed);
}

TEST(StoreReplica, EraseLeavesATombstoneThatReadsAsAbsent) {
  StoreReplica s(1);
  ASSERT_EQ(s.put("a", "1", 0, at(1), kLimits).status, WriteStatus::done);
  ASSERT_EQ(s.put("b", "2", 0, at(1), kLimits).status, WriteStatus::done);
  auto gone = s.erase("a", 1, at(2), kLimits);
  ASSERT_EQ(gone.status, WriteStatus::done);
  EXPECT_EQ(gone.item, (Item{"", 3, true, 1}));
  ASSERT_NE(s.find("a"), nullptr);
  EXPECT_TRUE(s.find("a")->deleted);
  EXPECT_EQ(s.find("a")->version, 3u);
  EXPECT_EQ(s.live_count(), 1u);
  EXPECT_EQ(live_items(s).count("a"), 0u);

  // Already deleted, or never there: done, and nothing new to replicate.
  auto again = s.erase("a", 3, at(3), kLimits);
  EXPECT_EQ(again.status, WriteStatus::done);
  EXPECT_EQ(again.item, (Item{"", 3, true, 1}));
  auto never = s.erase("zz", 0, at(3), kLimits);
  EXPECT_EQ(never.status, WriteStatus::done);
  EXPECT_EQ(never.item.version, 0u);
  EXPECT_EQ(s.version(), 3u);
  EXPECT_EQ(s.find("zz"), nullptr);
  EXPECT_EQ(s.erase("zz", 4, at(3), kLimits).status, WriteStatus::conflict);

  // A deleted key's version is its tombstone's.
  auto stale = s.put("a", "x", 0, at(4), kLimits);
  EXPECT_EQ(stale.status, WriteStatus::conflict);
  EXPECT_EQ(stale.item, (Item{"", 3, true, 1}));
  EXPECT_EQ(s.put("a", "x", 3, at(4), kLimits).item, (Item{"x", 4, false, 1}));
}

TEST(StoreReplica, CollectedTombstonesRaiseGcVersionAndForceCompleteSnapshots) {
  StoreReplica s(1);
  ASSERT_EQ(s.put("a", "1", 0, at(1), kLimits).status, WriteStatus::done);
  ASSERT_EQ(s.erase("a", 1, at(5), kLimits).status, WriteStatus::done);
  ASSERT_EQ(s.put("b", "2", 0, at(6), kLimits).status, WriteStatus::done);
  EXPECT_EQ(s.collect(at(4)).size(), 0u);  // deleted later than the cutoff
  EXPECT_EQ(s.collect(at(5)).size(), 1u);
  EXPECT_EQ(s.gc_version(), 2u);
  EXPECT_EQ(s.find("a"), nullptr);
  EXPECT_EQ(s.put("a", "again", 0, at(7), kLimits).item.version, 4u);

  auto range = s.snapshot_since(kOwner, 1, 2);
  EXPECT_FALSE(range.complete);
  EXPECT_EQ(range.since, 2u);
  ASSERT_EQ(range.items.size(), 2u);
  EXPECT_EQ(range.items[0].key, "b");  // by version
  EXPECT_EQ(range.items[1].key, "a");
  auto full = s.snapshot_since(kOwner, 1, 1);
  EXPECT_TRUE(full.complete);
  EXPECT_EQ(full.since, 0u);
  EXPECT_EQ(full.version, 4u);
  EXPECT_EQ(full.owner, kOwner);
  EXPECT_EQ(full.items.size(), 2u);
  EXPECT_TRUE(s.snapshot_since(kOwner, 2, 4).complete);  // another epoch
}

// --- Replication ---------------------------------------------------------------------------------

TEST(StoreReplica, WatermarkCoversOnlyContiguousVersionsUntilARangeTransfer) {
  StoreReplica r(1);
  EXPECT_TRUE(r.apply(1, {"a", "1", 1, false}, at(1)));
  EXPECT_TRUE(r.apply(1, {"a", "3", 3, false}, at(1)));
  EXPECT_FALSE(r.apply(1, {"a", "3", 3, false}, at(1)));  // again: nothing changes
  EXPECT_FALSE(r.apply(1, {"a", "1", 1, false}, at(1)));  // older
  EXPECT_EQ(r.version(), 1u);
  EXPECT_EQ(r.max_seen(), 3u);
  // v2 was superseded (say b then b deleted at v4 and collected upstream): only a range closes
  // the gap.
  wire::StoreSnapshot range{.owner = kOwner,
                            .epoch = 1,
                            .version = 3,
                            .since = 1,
                            .complete = false,
                            .items = {{"a", "3", 3, false}}};
  EXPECT_FALSE(r.apply(range, at(2)));
  EXPECT_EQ(r.version(), 3u);
  // A range from further ahead than us does not move the watermark.
  wire::StoreSnapshot ahead{.owner = kOwner,
                            .epoch = 1,
                            .version = 9,
                            .since = 5,
                            .complete = false,
                            .items = {{"c", "9", 9, false}}};
  EXPECT_TRUE(r.apply(ahead, at(2)));
  EXPECT_EQ(r.version(), 3u);
  EXPECT_EQ(r.max_seen(), 9u);
}

TEST(StoreReplica, RaisedWatermarkAbsorbsVersionsSeenAboveIt) {
  StoreReplica r(1);
  r.apply(1, {"a", "1", 1, false}, at(1));
  r.apply(1, {"b", "4", 4, false}, at(1));
  r.apply(1, {"c", "6", 6, false}, at(1));
  EXPECT_EQ(r.version(), 1u);
  wire::StoreSnapshot range{.owner = kOwner,
                            .epoch = 1,
                            .version = 3,
                            .since = 1,
                            .complete = false,
                            .items = {{"d", "3", 3, false}}};
  EXPECT_TRUE(r.apply(range, at(2)));
  EXPECT_EQ(r.version(), 4u);  // 4 was seen; 5 is still missing
  EXPECT_EQ(r.max_seen(), 6u);
}

TEST(StoreReplica, TombstoneAboveTheWatermarkIsNotCollected) {
  // Owner: a@1, b@2, b deleted @3. This replica saw only the tombstone. Collecting it would set
  // gc_version to 3 and make a@1 (absent here, at or below 3) unacceptable forever.
  StoreReplica r(1);
  ASSERT_TRUE(r.apply(1, {"b", "", 3, true}, at(1)));
  EXPECT_EQ(r.collect(at(100)).size(), 0u);
  EXPECT_TRUE(r.apply(1, {"a", "1", 1, false}, at(2)));
  ASSERT_NE(r.find("a"), nullptr);
  wire::StoreSnapshot rest{.owner = kOwner,
                           .epoch = 1,
                           .version = 3,
                           .since = 0,
                           .complete = false,
                           .items = {{"a", "1", 1, false}, {"b", "", 3, true}}};
  r.apply(rest, at(3));
  EXPECT_EQ(r.version(), 3u);
  EXPECT_EQ(r.collect(at(100)).size(), 1u);
  EXPECT_EQ(r.gc_version(), 3u);
  EXPECT_FALSE(r.apply(1, {"b", "2", 2, false}, at(4)));  // a stale delta cannot resurrect b
  EXPECT_EQ(r.find("b"), nullptr);
}

TEST(StoreReplica, CompleteSnapshotDropsWhatItDoesNotListAndReportsIt) {
  StoreReplica r(1);
  r.apply(1, {"a", "1", 1, false}, at(1));
  r.apply(1, {"b", "2", 2, false}, at(1));
  r.apply(1, {"z", "9", 9, false}, at(1));  // above the snapshot: kept
  std::vector<StoreReplica::Change> changes;
  wire::StoreSnapshot full{.owner = kOwner,
                           .epoch = 1,
                           .version = 5,
                           .since = 0,
                           .complete = true,
                           .items = {{"b", "2", 2, false}, {"c", "4", 4, false}}};
  EXPECT_TRUE(r.apply(full, at(2), [&](const auto& c) { changes.push_back(c); }));
  EXPECT_EQ(r.find("a"), nullptr);
  ASSERT_NE(r.find("c"), nullptr);
  ASSERT_NE(r.find("z"), nullptr);
  EXPECT_EQ(r.version(), 5u);
  EXPECT_EQ(r.gc_version(), 5u);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].key, "c");
  EXPECT_EQ(changes[1].key, "a");
  EXPECT_TRUE(changes[1].item.deleted);
  EXPECT_FALSE(r.apply(1, {"a", "1", 1, false}, at(3)));  // late rumour of a dropped key
  EXPECT_EQ(r.find("a"), nullptr);
}

// Property 1: deltas are idempotent and commute.
RC_GTEST_PROP(StoreReplica, DeltasCommuteAndRepeat, ()) {
  History h = random_history();
  RC_PRE(!h.deltas.empty());
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, h.deltas.size()));
  std::mt19937 rng(*rc::gen::arbitrary<std::uint32_t>());

  StoreReplica a(1);
  StoreReplica b(1);
  for (auto i : picks) a.apply(1, h.deltas[i], at(1));
  auto other = picks;
  std::shuffle(other.begin(), other.end(), rng);
  other.insert(other.end(), picks.begin(),
               picks.begin() + static_cast<std::ptrdiff_t>(picks.size() / 2));
  std::shuffle(other.begin(), other.end(), rng);
  for (auto i : other) b.apply(1, h.deltas[i], at(2));

  RC_ASSERT(a.version() == b.version());
  RC_ASSERT(a.max_seen() == b.max_seen());
  RC_ASSERT(a.content_hash() == b.content_hash());
  for (const auto& key : kKeys) {
    RC_ASSERT(held(a, key) == held(b, key));
    // The newest picked write of the key, whatever the order.
    std::optional<wire::StoreItem> newest;
    for (auto i : picks) {
      if (h.deltas[i].key == key && (!newest || newest->version < h.deltas[i].version)) {
        newest = h.deltas[i];
      }
    }
    RC_ASSERT(held(a, key) == newest);
  }
  check_consistent(a, h.log);

  // Every write, in any order: the owner's store.
  auto all = h.deltas;
  std::shuffle(all.begin(), all.end(), rng);
  StoreReplica c(1);
  for (const auto& d : all) c.apply(1, d, at(3));
  RC_ASSERT(c.version() == h.owner.version());
  RC_ASSERT(c.content_hash() == h.owner.content_hash());
  RC_ASSERT(live_items(c) == live_items(h.owner));
  for (const auto& key : kKeys) RC_ASSERT(held(c, key) == held(h.owner, key));
}

void exchange(StoreReplica& from, StoreReplica& to, TimePoint now) {
  to.apply(from.snapshot_since(kOwner, to.epoch(), to.version()), now);
}

// Property 2: random delivery, collection and anti-entropy, then a two-way exchange.
RC_GTEST_PROP(StoreReplica, AntiEntropyConvergesWithoutResurrection, ()) {
  History h;
  StoreReplica a(1);
  StoreReplica b(1);
  const auto steps =
      *rc::gen::resize(60, rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
                               rc::gen::tuple(rc::gen::inRange(0, 12), rc::gen::inRange(0, 2),
                                              rc::gen::inRange(0, 1000), rc::gen::inRange(0, 5))));
  std::int64_t t = 0;
  for (auto [kind, side, n, m] : steps) {
    ++t;
    StoreReplica& r = side == 0 ? a : b;
    StoreReplica& other = side == 0 ? b : a;
    if (kind < 4) {  // owner write (odd m: erase)
      h.write(m % 2, n, n, at(t));
    } else if (kind < 7) {  // a rumour, possibly late, possibly again
      if (!h.deltas.empty()) {
        r.apply(1, h.deltas[static_cast<std::size_t>(n) % h.deltas.size()], at(t));
      }
    } else if (kind < 9) {  // collection with a short grace period, here or at the owner
      if (m == 0) {
        h.owner.collect(at(t - n % 3));
      } else {
        r.collect(at(t - n % 3));
      }
    } else if (kind < 11) {  // anti-entropy with the owner
      exchange(h.owner, r, at(t));
    } else {  // one direction of anti-entropy between the replicas
      exchange(other, r, at(t));
    }
    check_consistent(a, h.log);
    check_consistent(b, h.log);
  }

  ++t;
  exchange(a, b, at(t));
  exchange(b, a, at(t));
  check_consistent(a, h.log);
  check_consistent(b, h.log);
  RC_ASSERT(a.content_hash() == b.content_hash());
  RC_ASSERT(live_items(a) == live_items(b));
  // A superseded version one side saw and the other did not can hold a watermark back for
  // another round; more rounds only raise watermarks, so they settle, and equal.
  for (int round = 0; round < 8 && a.version() != b.version(); ++round) {
    exchange(a, b, at(t));
    exchange(b, a, at(t));
  }
  RC_ASSERT(a.version() == b.version());
  RC_ASSERT(a.content_hash() == b.content_hash());
  if (a.version() == h.owner.version()) RC_ASSERT(a.content_hash() == h.owner.content_hash());
  // Nothing the owner has deleted at or below the watermark is live (its tombstone may be
  // collected at the owner, so the log says what the last write was).
  const auto live = live_items(a);
  for (const auto& key : kKeys) {
    std::optional<wire::StoreItem> last;
    for (const auto& [version, write] : h.log) {
      if (write.key == key) last = write;
    }
    if (last && last->deleted && last->version <= a.version()) RC_ASSERT(live.count(key) == 0u);
  }
  // And the owner's own anti-entropy brings either side to exactly its state.
  exchange(h.owner, a, at(t));
  RC_ASSERT(a.version() == h.owner.version());
  RC_ASSERT(live_items(a) == live_items(h.owner));
  RC_ASSERT(a.content_hash() == h.owner.content_hash());
}

// Property 3: a higher epoch replaces the replica wholesale; a lower one is ignored.
RC_GTEST_PROP(StoreReplica, NewEpochResets, ()) {
  History old_h = random_history();
  History new_h = random_history();
  const bool by_snapshot = *rc::gen::arbitrary<bool>();
  StoreReplica r(1);
  for (const auto& d : old_h.deltas) r.apply(1, d, at(1));
  const auto was_live = live_items(r);

  std::vector<StoreReplica::Change> changes;
  auto sink = [&](const StoreReplica::Change& c) { changes.push_back(c); };
  StoreReplica fresh(2);
  if (by_snapshot) {
    auto snapshot = new_h.owner.snapshot_since(kOwner, 2, 0);
    snapshot.epoch = 2;
    r.apply(snapshot, at(2), sink);
    fresh.apply(snapshot, at(2));
  } else {
    for (const auto& d : new_h.deltas) {
      r.apply(2, d, at(2), sink);
      fresh.apply(2, d, at(2));
    }
  }
  if (!by_snapshot && new_h.deltas.empty()) {  // nothing of epoch 2 arrived: nothing changes
    RC_ASSERT(r.epoch() == 1u);
    RC_ASSERT(changes.empty());
    return;
  }
  RC_ASSERT(r.epoch() == 2u);
  // Every key that was live is reported gone, ahead of the new epoch's items.
  std::size_t removals = 0;
  for (const auto& c : changes) {
    if (c.item.deleted && c.item.version == 0) {
      RC_ASSERT(was_live.count(c.key) == 1u);
      ++removals;
    }
  }
  RC_ASSERT(removals == was_live.size());
  RC_ASSERT(r.version() == fresh.version());
  RC_ASSERT(r.content_hash() == fresh.content_hash());
  for (const auto& key : kKeys) RC_ASSERT(held(r, key) == held(fresh, key));
  // The old epoch's news is stale now.
  for (const auto& d : old_h.deltas) RC_ASSERT(!r.apply(1, d, at(3)));
  RC_ASSERT(!r.apply(old_h.owner.snapshot_since(kOwner, 1, 0), at(3)));
  RC_ASSERT(r.content_hash() == fresh.content_hash());
}

}  // namespace
}  // namespace convoy::core
