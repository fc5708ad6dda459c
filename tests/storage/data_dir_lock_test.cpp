// Data dir lock: one owner per data dir, whether the second opener is another Storage in this
// process or another process, and no stale lock after the owner dies, however it dies.
#include "storage/data_dir_lock.hpp"
#include "storage/storage.hpp"

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

namespace convoy::storage {
namespace {

using testing::ChildChannel;
using testing::ChildProcess;
using testing::TempDir;

const MemberId kId{1, 2};

// Runs `open` and returns the Error it throws; fails the test if it throws nothing.
template <typename Open>
Error error_from(Open&& open) {
  try {
    open();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a convoy::Error";
  return Error(ErrorCode::not_running, "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(DataDirLock, SecondLockInTheSameProcessIsRefusedAndNamesThisProcess) {
  TempDir dir;
  const DataDirLock first(dir.path());
  const auto e = error_from([&] { DataDirLock second(dir.path()); });
  EXPECT_EQ(e.code(), ErrorCode::data_dir_locked);
  EXPECT_TRUE(contains(e.what(), dir.path().string())) << e.what();
  EXPECT_TRUE(contains(e.what(), "pid " + std::to_string(getpid()))) << e.what();
  EXPECT_FALSE(contains(e.what(), "\n")) << "one line";
}

TEST(DataDirLock, IsReleasedWhenTheHolderIsDestroyedOrMoved) {
  TempDir dir;
  {
    DataDirLock first(dir.path());
    DataDirLock moved(std::move(first));  // the moved-from object must not release it
    EXPECT_EQ(error_from([&] { DataDirLock again(dir.path()); }).code(),
              ErrorCode::data_dir_locked);
  }
  EXPECT_NO_THROW(DataDirLock again(dir.path()));
}

TEST(DataDirLock, SecondStorageOnOneDirIsRefusedWhileTheFirstKeepsWorking) {
  TempDir dir;
  const StorageOptions options{.data_dir = dir / "data"};
  auto first = open_lmdb(options, kId);
  const auto e = error_from([&] { (void)open_lmdb(options, MemberId{3, 4}); });
  EXPECT_EQ(e.code(), ErrorCode::data_dir_locked);
  EXPECT_TRUE(contains(e.what(), options.data_dir)) << e.what();

  first->commit(Batch{.incarnation = 9});  // the refused open disturbed nothing
  first.reset();
  const auto reopened = open_lmdb(options, MemberId{3, 4});
  EXPECT_EQ(reopened->initial().incarnation, 9U);
  EXPECT_EQ(reopened->initial().id, kId);
}

TEST(DataDirLock, AnotherProcessHoldingTheDirIsNamedByPid) {
  TempDir dir;
  const StorageOptions options{.data_dir = dir / "data"};
  ChildProcess child([&](const ChildChannel& channel) {
    auto storage = open_lmdb(options, kId);
    storage->commit(Batch{.incarnation = 4});
    channel.report(1);
    channel.wait_for_release();
  });
  ASSERT_EQ(child.next_report(), 1U);

  const auto e = error_from([&] { (void)open_lmdb(options, MemberId{3, 4}); });
  EXPECT_EQ(e.code(), ErrorCode::data_dir_locked);
  EXPECT_TRUE(contains(e.what(), "process " + std::to_string(child.pid()))) << e.what();
  EXPECT_TRUE(contains(e.what(), options.data_dir)) << e.what();

  child.release();
  ASSERT_EQ(child.wait_for_exit(), 0);
  const auto storage = open_lmdb(options, MemberId{3, 4});
  EXPECT_FALSE(storage->created());
  EXPECT_EQ(storage->initial().incarnation, 4U);
}

TEST(DataDirLock, KilledHolderLeavesNoStaleLock) {
  TempDir dir;
  const StorageOptions options{.data_dir = dir / "data"};
  ChildProcess child([&](const ChildChannel& channel) {
    auto storage = open_lmdb(options, kId);
    channel.report(1);
    channel.wait_for_release();
  });
  ASSERT_EQ(child.next_report(), 1U);
  child.kill_now();  // no destructor runs: only the kernel can release the lock
  const auto storage = open_lmdb(options, MemberId{3, 4});
  EXPECT_EQ(storage->initial().id, kId);
}

}  // namespace
}  // namespace convoy::storage
