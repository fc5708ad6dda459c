// Crash safety: a member SIGKILLed in the middle of its writes comes back with every commit it was
// told was durable, and with the state after exactly one batch, never part of one. The child
// commits numbered batches and reports each through a pipe once commit (per_commit) or sync
// (per_batch) has returned; the parent kills it at a point that varies from round to round, then
// replays the same batches on a MemoryStorage to know exactly what the reopened state must be.
//
// SIGKILL stops the process, not the kernel: what it tests is atomicity and that nothing is held
// back in the process. That a flushed commit survives power loss is LMDB's and fsync's promise,
// which no test short of cutting the power can check.
#include "storage/memory_storage.hpp"
#include "storage/storage.hpp"

#include "child_process.hpp"
#include "state_printer.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace convoy::storage {
namespace {

using testing::ChildChannel;
using testing::ChildProcess;
using testing::TempDir;

const MemberId kId{0xC0FFEE, 1};
const MemberId kOtherId{0xBAD, 2};
constexpr std::uint64_t kMaxBatches = 100'000;  // the child stops here if nobody kills it
constexpr int kRounds = 16;

// Batch number i: store_version = i names it, so the reopened state says which batch it ends
// at. Values up to 3 KB make each commit write several pages; keys collide across batches; every
// 40th batch replaces the whole item set.
Batch crash_batch(std::uint64_t i) {
  Batch b{.incarnation = i / 10, .store_version = i};
  if (i % 4 == 0) b.gc_version = i / 4;
  b.replace_items = i % 40 == 0;
  if (i % 5 == 0) b.erase_keys.push_back("key" + std::to_string(i * 3 % 29));
  for (std::uint64_t k = 0; k <= i % 3; ++k) {
    auto value = std::string((i * 131 + k * 17) % 3000, static_cast<char>('a' + i % 26));
    b.put_items.push_back({"key" + std::to_string((i * 7 + k * 13) % 29),
                           value + "#" + std::to_string(i), i, (i + k) % 11 == 0});
  }
  if (i % 7 == 0) {
    std::vector<Address> peers;
    for (std::uint64_t p = 0; p < i % 9; ++p) {
      peers.push_back(
          Address::v4(10, 0, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(p), 7946));
    }
    b.known_peers = peers;
  }
  return b;
}

DurableState state_after(std::uint64_t last_batch) {
  MemoryStorage model(kId);
  for (std::uint64_t i = 1; i <= last_batch; ++i) model.commit(crash_batch(i));
  return model.current();
}

// Bounded busy work of a random length, so the kill lands at a different point of the commit in
// flight each round: no sleep, no clock.
void spin(std::mt19937_64& rng) {
  volatile std::uint64_t sink = 0;
  const auto n = rng() % 3'000'000;
  for (std::uint64_t i = 0; i < n; ++i) sink = sink + i;
}

// Reads reports until `count` have come (or the child ended), spins, kills, then drains the
// reports the child wrote before it died. Returns the last report: the last durable batch.
std::uint64_t kill_after_reports(ChildProcess& child, std::uint64_t count, std::mt19937_64& rng) {
  std::uint64_t last = 0;
  for (std::uint64_t n = 0; n < count; ++n) {
    const auto report = child.next_report();
    if (!report) {
      ADD_FAILURE() << "the child stopped before being killed";
      break;
    }
    last = *report;
  }
  spin(rng);
  child.kill_now();
  while (const auto report = child.next_report()) last = *report;
  return last;
}

TEST(CrashSafety, PerCommitKeepsEveryReturnedCommitAndNoHalfBatch) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::mt19937_64 rng(static_cast<std::uint64_t>(round));
    TempDir tmp;
    const StorageOptions options{.data_dir = tmp / "data", .sync = SyncMode::per_commit};
    ChildProcess child([&](const ChildChannel& channel) {
      auto storage = open_lmdb(options, kId);
      for (std::uint64_t i = 1; i <= kMaxBatches; ++i) {
        storage->commit(crash_batch(i));
        channel.report(i);
      }
    });
    const auto reported = kill_after_reports(child, 1 + rng() % 40, rng);

    const auto storage = open_lmdb(options, kOtherId);
    const auto at = storage->initial().store_version;
    // Reported means durable; one more may have landed before the report was written.
    ASSERT_GE(at, reported);
    ASSERT_LE(at, reported + 1);
    EXPECT_EQ(storage->initial(), state_after(at));
  }
}

TEST(CrashSafety, PerBatchKeepsEverythingBeforeTheLastReturnedSync) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::mt19937_64 rng(static_cast<std::uint64_t>(round) + 1000);
    const std::uint64_t sync_every = std::vector<std::uint64_t>{1, 3, 8, 64}[rng() % 4];
    TempDir tmp;
    const StorageOptions options{.data_dir = tmp / "data", .sync = SyncMode::per_batch};
    ChildProcess child([&](const ChildChannel& channel) {
      auto storage = open_lmdb(options, kId);
      for (std::uint64_t i = 1; i <= kMaxBatches; ++i) {
        storage->commit(crash_batch(i));
        if (i % sync_every == 0) {
          storage->sync();
          channel.report(i);
        }
      }
    });
    const auto reported = kill_after_reports(child, 1 + rng() % 20, rng);

    const auto storage = open_lmdb(options, kOtherId);
    const auto at = storage->initial().store_version;
    ASSERT_GE(at, reported);
    ASSERT_LE(at, reported + sync_every);
    EXPECT_EQ(storage->initial(), state_after(at));
  }
}

// Creation is the one write that is not a transaction inside data.mdb (see data_dir.hpp): a kill
// at any point of it must leave a dir that opens, either as the child's member or as new.
TEST(CrashSafety, KillDuringCreationLeavesADirThatOpens) {
  constexpr std::uint64_t kDirs = 6;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::mt19937_64 rng(static_cast<std::uint64_t>(round) + 2000);
    TempDir tmp;
    const auto dir_name = [&](std::uint64_t d) { return tmp / ("data" + std::to_string(d)); };
    const auto child_id = [](std::uint64_t d) { return MemberId{0xC1D, d + 1}; };
    ChildProcess child([&](const ChildChannel& channel) {
      for (std::uint64_t d = 0; d < kDirs; ++d) {
        (void)open_lmdb({.data_dir = dir_name(d)}, child_id(d));
        channel.report(d + 1);
      }
      channel.wait_for_release();
    });
    const auto created = kill_after_reports(child, rng() % (kDirs - 1), rng);

    for (std::uint64_t d = 0; d < kDirs; ++d) {
      SCOPED_TRACE("dir " + std::to_string(d));
      if (d >= created && !std::filesystem::exists(dir_name(d))) continue;  // not reached
      const auto storage = open_lmdb({.data_dir = dir_name(d)}, kOtherId);  // must not throw
      const auto& state = storage->initial();
      if (d < created) {
        EXPECT_FALSE(storage->created());
        EXPECT_EQ(state, DurableState{.id = child_id(d)});
      } else if (storage->created()) {
        EXPECT_EQ(state, DurableState{.id = kOtherId});
      } else {
        EXPECT_EQ(state, DurableState{.id = child_id(d)});  // finished, not yet reported
      }
    }
  }
}

}  // namespace
}  // namespace convoy::storage
