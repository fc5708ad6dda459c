// Storage semantics: what commit promises, checked on every implementation (memory, LMDB per
// commit, LMDB per batch) through a restart: the state read back after a reopen is exactly what
// was committed, a refused batch leaves no trace, and the rules hold at their limits.
#include "storage/memory_storage.hpp"
#include "storage/storage.hpp"

#include "state_printer.hpp"
#include "temp_dir.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace convoy::storage {
namespace {

using testing::TempDir;

const MemberId kId{0x1111, 0x2222};
const MemberId kOtherId{0x3333, 0x4444};  // offered at every reopen; must never win
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

enum class Kind : std::uint8_t { memory, lmdb_per_commit, lmdb_per_batch };

class StorageSemantics : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    if (GetParam() == Kind::memory) {
      storage_ = std::make_unique<MemoryStorage>(kId);
    } else {
      storage_ = open_lmdb(options(), kId);
    }
  }

  [[nodiscard]] StorageOptions options() const {
    return {
        .data_dir = tmp_ / "data",
        .sync = GetParam() == Kind::lmdb_per_batch ? SyncMode::per_batch : SyncMode::per_commit};
  }

  // What a restart reads: the storage is closed and opened again (memory: a new MemoryStorage
  // from the current state, which is what the simulator's restart with an intact disk does).
  const DurableState& reopen() {
    if (GetParam() == Kind::memory) {
      const auto state = dynamic_cast<MemoryStorage&>(*storage_).current();
      storage_ = std::make_unique<MemoryStorage>(state);
    } else {
      storage_->sync();
      storage_.reset();
      storage_ = open_lmdb(options(), kOtherId);
    }
    EXPECT_FALSE(storage_->created());
    return storage_->initial();
  }

  // Commits `batch`, expecting it refused with `code`; then checks a reopen shows `before`.
  void expect_refused(const Batch& batch, ErrorCode code, const DurableState& before) {
    try {
      storage_->commit(batch);
      ADD_FAILURE() << "commit accepted a batch that breaks a rule";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
    }
    EXPECT_EQ(reopen(), before);
  }

  TempDir tmp_;
  std::unique_ptr<Storage> storage_;
};

INSTANTIATE_TEST_SUITE_P(AllKinds, StorageSemantics,
                         ::testing::Values(Kind::memory, Kind::lmdb_per_commit,
                                           Kind::lmdb_per_batch),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case Kind::memory:
                               return std::string("memory");
                             case Kind::lmdb_per_commit:
                               return std::string("lmdb_per_commit");
                             case Kind::lmdb_per_batch:
                               return std::string("lmdb_per_batch");
                           }
                           return std::string("unknown");
                         });

TEST_P(StorageSemantics, FreshStateHoldsOnlyTheId) {
  EXPECT_TRUE(storage_->created());
  EXPECT_EQ(storage_->initial(), DurableState{.id = kId});
  EXPECT_EQ(reopen(), DurableState{.id = kId});
}

TEST_P(StorageSemantics, ReopenReturnsExactlyWhatWasCommitted) {
  Batch batch{.incarnation = kMax, .store_epoch = 1, .store_version = kMax - 1, .gc_version = 0};
  batch.put_items = {
      {std::string("\0key\xff", 5), "", 0, false},  // binary key, empty value
      {std::string(kMaxKeyBytes, 'k'), std::string(1, '\0'), kMax, false},  // longest key
      {"gone", "", 17, true},                                               // tombstone
      {"b", std::string(5000, 'x'), 3, false},                              // spans pages
  };
  batch.known_peers =
      std::vector<Address>{*Address::parse("[2001:db8::1]:7946"), Address::v4(192, 168, 0, 1, 1)};
  storage_->commit(batch);

  DurableState expected{.id = kId,
                        .incarnation = kMax,
                        .store_epoch = 1,
                        .store_version = kMax - 1,
                        .gc_version = 0,
                        .items = batch.put_items,
                        .known_peers = *batch.known_peers};
  std::sort(expected.items.begin(), expected.items.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  EXPECT_EQ(reopen(), expected);
  EXPECT_EQ(storage_->initial().id, kId);
  EXPECT_EQ(reopen(), expected);  // and reading it did not change it
}

TEST_P(StorageSemantics, UnsetFieldsAreUntouched) {
  storage_->commit({.incarnation = 5,
                    .store_epoch = 6,
                    .store_version = 7,
                    .gc_version = 8,
                    .put_items = {{"k", "v", 7, false}},
                    .known_peers = std::vector<Address>{Address::v4(1, 2, 3, 4, 5)}});
  storage_->commit({.store_version = 9});
  storage_->commit({.gc_version = 10});
  storage_->commit({});
  const auto& state = reopen();
  EXPECT_EQ(state.incarnation, 5U);
  EXPECT_EQ(state.store_epoch, 6U);
  EXPECT_EQ(state.store_version, 9U);
  EXPECT_EQ(state.gc_version, 10U);
  EXPECT_EQ(state.items, (std::vector<StoredItem>{{"k", "v", 7, false}}));
  EXPECT_EQ(state.known_peers, std::vector<Address>{Address::v4(1, 2, 3, 4, 5)});
}

TEST_P(StorageSemantics, EraseRemovesTheKeyAndAnAbsentKeyIsNoError) {
  storage_->commit({.put_items = {{"a", "1", 1, false}, {"b", "2", 2, false}}});
  storage_->commit({.erase_keys = {"a", "never-written"}});
  EXPECT_EQ(reopen().items, (std::vector<StoredItem>{{"b", "2", 2, false}}));
  storage_->commit({.erase_keys = {"b"}});
  EXPECT_TRUE(reopen().items.empty());
}

TEST_P(StorageSemantics, ReplaceItemsReplacesTheWholeSet) {
  storage_->commit(
      {.put_items = {{"a", "1", 1, false}, {"b", "2", 2, true}, {"c", "3", 3, false}}});
  storage_->commit({.replace_items = true, .put_items = {{"c", "new", 9, false}, {"d", "", 9}}});
  EXPECT_EQ(reopen().items, (std::vector<StoredItem>{{"c", "new", 9, false}, {"d", "", 9, false}}));
  storage_->commit({.replace_items = true});
  EXPECT_TRUE(reopen().items.empty());
}

TEST_P(StorageSemantics, OneBatchAppliesReplaceThenEraseThenPut) {
  storage_->commit({.put_items = {{"old", "1", 1, false}}});
  storage_->commit({.replace_items = true,
                    .erase_keys = {"x"},
                    .put_items = {{"x", "first", 1, false}, {"x", "second", 2, false}}});
  EXPECT_EQ(reopen().items, (std::vector<StoredItem>{{"x", "second", 2, false}}));
}

TEST_P(StorageSemantics, LowerIncarnationIsALogicErrorAndChangesNothing) {
  storage_->commit({.incarnation = 5});
  storage_->commit({.incarnation = 5});  // equal is fine
  const auto before = reopen();
  // After the reopen the check must use the stored incarnation, not a forgotten one.
  EXPECT_THROW(storage_->commit({.incarnation = 4, .put_items = {{"k", "v", 1, false}}}),
               std::logic_error);
  EXPECT_EQ(reopen(), before);
  storage_->commit({.incarnation = 6});
  EXPECT_THROW(storage_->commit({.incarnation = 5}), std::logic_error);
  EXPECT_EQ(reopen().incarnation, 6U);
}

TEST_P(StorageSemantics, BatchBreakingARuleChangesNothing) {
  storage_->commit({.incarnation = 1, .put_items = {{"keep", "v", 1, false}}});
  const auto before = reopen();
  // Each bad batch also carries valid changes, which must not land either.
  const auto bad = [](auto mutate) {
    Batch b{.incarnation = 2, .store_version = 5, .put_items = {{"ok", "v", 5, false}}};
    mutate(b);
    return b;
  };
  const std::vector<Batch> batches = {
      bad([](Batch& b) {
        b.put_items.push_back({"", "v", 1, false});
      }),
      bad([](Batch& b) { b.erase_keys.push_back(""); }),
      bad([](Batch& b) {
        b.put_items.push_back({std::string(kMaxKeyBytes + 1, 'k'), "", 1});
      }),
      bad([](Batch& b) { b.erase_keys.push_back(std::string(kMaxKeyBytes + 1, 'k')); }),
      bad([](Batch& b) {
        b.put_items.push_back({"big", std::string(kMaxValueBytes + 1, 'v')});
      }),
      bad([](Batch& b) {
        b.known_peers = std::vector<Address>(kMaxKnownPeers + 1, Address::v4(1, 1, 1, 1, 1));
      }),
      bad([](Batch& b) {
        auto odd = Address::v4(1, 2, 3, 4, 5);
        odd.ip[7] = 1;  // bytes past an IPv4 address
        b.known_peers = std::vector<Address>{odd};
      }),
  };
  for (const auto& batch : batches) expect_refused(batch, ErrorCode::invalid_argument, before);
}

TEST_P(StorageSemantics, LimitsThemselvesAreAccepted) {
  std::vector<Address> peers;
  for (std::size_t i = 0; i < kMaxKnownPeers; ++i) {
    peers.push_back(
        Address::v4(10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 7946));
  }
  const std::string key(kMaxKeyBytes, '\xff');
  std::string huge(kMaxValueBytes, 'h');
  huge.back() = 'z';
  std::string mib(std::size_t{1} << 20, 'm');
  storage_->commit(
      {.put_items = {{key, huge, 1, false}, {"mib", mib, 2, false}}, .known_peers = peers});
  const auto& state = reopen();
  ASSERT_EQ(state.items.size(), 2U);
  EXPECT_EQ(state.items[0].key, "mib");
  EXPECT_EQ(state.items[0].value, mib);
  EXPECT_EQ(state.items[1].key, key);
  EXPECT_EQ(state.items[1].value, huge);
  EXPECT_EQ(state.known_peers, peers);
}

TEST_P(StorageSemantics, KnownPeersReplaceTheListAndMayBeEmptied) {
  storage_->commit({.known_peers = std::vector<Address>{Address::v4(1, 1, 1, 1, 1),
                                                        Address::v4(2, 2, 2, 2, 2)}});
  storage_->commit({.known_peers = std::vector<Address>{Address::v4(3, 3, 3, 3, 3)}});
  EXPECT_EQ(reopen().known_peers, std::vector<Address>{Address::v4(3, 3, 3, 3, 3)});
  storage_->commit({.known_peers = std::vector<Address>{}});
  EXPECT_TRUE(reopen().known_peers.empty());
}

TEST_P(StorageSemantics, InitialIsNotUpdatedByCommits) {
  storage_->commit({.incarnation = 3, .put_items = {{"k", "v", 1, false}}});
  EXPECT_EQ(storage_->initial(), DurableState{.id = kId});
}

// ---- LMDB only -------------------------------------------------------------------------------

// 200 × 64 KiB through a 64 KiB map: every commit past the first needs the map grown.
TEST(LmdbStorage, MapGrowsForManyLargeValuesCommittedOneByOne) {
  TempDir tmp;
  const StorageOptions options{.data_dir = tmp / "data", .map_size = std::size_t{64} << 10};
  std::vector<StoredItem> items;
  {
    auto storage = open_lmdb(options, kId);
    for (int i = 0; i < 200; ++i) {
      items.push_back({"item" + std::to_string(1000 + i),
                       std::string(std::size_t{64} << 10, static_cast<char>('a' + i % 26)),
                       static_cast<std::uint64_t>(i + 1), false});
      storage->commit({.store_version = i + 1, .put_items = {items.back()}});
    }
  }
  const auto storage = open_lmdb(options, kOtherId);
  EXPECT_EQ(storage->initial().store_version, 200U);
  EXPECT_EQ(storage->initial().items, items);
}

TEST(LmdbStorage, MapGrowsForOneLargeSync) {
  TempDir tmp;
  const StorageOptions options{
      .data_dir = tmp / "data", .sync = SyncMode::per_batch, .map_size = std::size_t{64} << 10};
  std::vector<StoredItem> items;
  {
    auto storage = open_lmdb(options, kId);
    for (int i = 0; i < 200; ++i) {
      items.push_back({"item" + std::to_string(1000 + i),
                       std::string(std::size_t{64} << 10, static_cast<char>('a' + i % 26)),
                       static_cast<std::uint64_t>(i + 1), false});
      storage->commit({.put_items = {items.back()}});
    }
    storage->sync();  // one transaction of 12.5 MiB into a 64 KiB map
  }
  EXPECT_EQ(open_lmdb(options, kOtherId)->initial().items, items);
}

TEST(LmdbStorage, PerBatchClosingWritesQueuedCommits) {
  TempDir tmp;
  const StorageOptions options{.data_dir = tmp / "data", .sync = SyncMode::per_batch};
  {
    auto storage = open_lmdb(options, kId);
    storage->commit({.incarnation = 2, .put_items = {{"a", "1", 1, false}}});
    storage->sync();
    storage->commit({.incarnation = 3, .erase_keys = {"a"}, .put_items = {{"b", "2", 2, false}}});
  }
  const auto storage = open_lmdb(options, kOtherId);
  EXPECT_EQ(storage->initial().incarnation, 3U);
  EXPECT_EQ(storage->initial().items, (std::vector<StoredItem>{{"b", "2", 2, false}}));
}

TEST(MemoryStorage, NilIdIsRefused) {
  EXPECT_THROW((void)open_memory(MemberId{}), Error);
  EXPECT_TRUE(open_memory(kId)->created());
}

}  // namespace
}  // namespace convoy::storage
