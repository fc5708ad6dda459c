// Data dir errors: every way a data dir can be unusable gets its own error code and a one-line
// message naming the path, and none of them is "solved" by quietly starting over. Each damage test
// starts from a data dir that worked, damages it the way disks and people do, and checks that the
// open is refused, that the file was left as it was, and that a second open is refused the same
// way (nothing "repaired" the evidence away).
#include "storage/data_dir.hpp"
#include "storage/record_codec.hpp"
#include "storage/storage.hpp"

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>
#include <lmdb.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace convoy::storage {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const MemberId kId{0xAAAA, 0xBBBB};
const MemberId kOtherId{0xCCCC, 0xDDDD};

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// Opens `dir` expecting an Error, and returns it.
Error open_error(const std::string& dir) {
  try {
    (void)open_lmdb({.data_dir = dir}, kOtherId);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "open_lmdb(" << dir << ") succeeded";
  return Error(ErrorCode::not_running, "");
}

// The checks every refused open must pass: the code, the path in a one-line message.
void expect_refused(const std::string& dir, ErrorCode code, const std::string& detail = "") {
  const auto e = open_error(dir);
  EXPECT_EQ(e.code(), code) << e.what();
  const std::string message = e.what();
  EXPECT_NE(message.find(dir), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  if (!detail.empty()) {
    EXPECT_NE(message.find(detail), std::string::npos) << message;
  }
}

// A data dir that worked: 100 items of ~1 KiB (so data.mdb spans many pages), one of them with a
// value that can be found in the file, and some peers.
fs::path make_valid_dir(const TempDir& tmp) {
  const auto dir = tmp / "data";
  auto storage = open_lmdb({.data_dir = dir}, kId);
  Batch batch{.incarnation = 3, .store_version = 100};
  for (int i = 0; i < 100; ++i) {
    batch.put_items.push_back({"key" + std::to_string(i), std::string(1000, 'v'),
                               static_cast<std::uint64_t>(i + 1), false});
  }
  batch.put_items.push_back({"marked", "FIND-ME-IN-THE-FILE", 101, false});
  batch.known_peers = std::vector<Address>{Address::v4(10, 0, 0, 1, 7946)};
  storage->commit(batch);
  return dir;
}

fs::path data_file(const fs::path& dir) {
  return dir / data_dir::kDataFile;
}

// Damage planted through LMDB itself: records a Storage would never write.
class RawLmdb {
 public:
  explicit RawLmdb(const fs::path& file, unsigned flags = MDB_NOSUBDIR) {
    EXPECT_EQ(mdb_env_create(&env_), 0);
    EXPECT_EQ(mdb_env_set_maxdbs(env_, 4), 0);
    EXPECT_EQ(mdb_env_open(env_, file.c_str(), flags, 0644), 0);
    EXPECT_EQ(mdb_txn_begin(env_, nullptr, 0, &txn_), 0);
  }
  ~RawLmdb() {
    EXPECT_EQ(mdb_txn_commit(txn_), 0);
    mdb_env_close(env_);
  }
  RawLmdb(const RawLmdb&) = delete;
  RawLmdb& operator=(const RawLmdb&) = delete;

  void put(const char* db, const std::string& key, const std::string& value) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    EXPECT_EQ(mdb_put(txn_, dbi(db), &k, &v, 0), 0);
  }
  std::string get(const char* db, const std::string& key) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v;
    EXPECT_EQ(mdb_get(txn_, dbi(db), &k, &v), 0);
    return {static_cast<const char*>(v.mv_data), v.mv_size};
  }
  void del(const char* db, const std::string& key) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    EXPECT_EQ(mdb_del(txn_, dbi(db), &k, nullptr), 0);
  }

 private:
  MDB_dbi dbi(const char* db) {
    MDB_dbi dbi = 0;
    EXPECT_EQ(mdb_dbi_open(txn_, db, MDB_CREATE, &dbi), 0);
    return dbi;
  }
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

// ---- created, and what is not an error -------------------------------------------------------

TEST(DataDir, MissingDirIsCreatedWithItsParents) {
  TempDir tmp;
  const auto dir = tmp / "a/b/data";
  const auto storage = open_lmdb({.data_dir = dir}, kId);
  EXPECT_TRUE(storage->created());
  EXPECT_EQ(storage->initial(), DurableState{.id = kId});
  EXPECT_TRUE(fs::is_regular_file(data_file(dir)));
  EXPECT_FALSE(fs::exists(dir + "/" + data_dir::kStagingFile));
}

TEST(DataDir, EmptyExistingDirIsCreated) {
  TempDir tmp;
  const auto storage = open_lmdb({.data_dir = tmp.path().string()}, kId);
  EXPECT_TRUE(storage->created());
  EXPECT_EQ(storage->initial().id, kId);
}

TEST(DataDir, UnfinishedCreationIsDiscardedAndCreatedAfresh) {
  // A crash during creation leaves data.mdb.new (complete or not) and never data.mdb.
  TempDir tmp;
  write_bytes(tmp.path() / data_dir::kStagingFile, "half a file");
  write_bytes(tmp.path() / "data.mdb.new-lock", "");
  const auto storage = open_lmdb({.data_dir = tmp.path().string()}, kId);
  EXPECT_TRUE(storage->created());
  EXPECT_EQ(listing(tmp.path()),
            (std::vector<std::string>{"convoy.lock", "data.mdb", "data.mdb-lock"}));
}

TEST(DataDir, BadOptionsAreRefusedBeforeTouchingTheDisk) {
  TempDir tmp;
  auto code_of = [](const StorageOptions& options, const MemberId& id) {
    try {
      (void)open_lmdb(options, id);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::not_running;
  };
  EXPECT_EQ(code_of({.data_dir = ""}, kId), ErrorCode::invalid_config);
  EXPECT_EQ(code_of({.data_dir = tmp / "d", .map_size = 4096}, kId), ErrorCode::invalid_config);
  EXPECT_EQ(code_of({.data_dir = tmp / "d"}, MemberId{}), ErrorCode::invalid_argument);
  EXPECT_FALSE(fs::exists(tmp / "d"));
}

// ---- foreign ---------------------------------------------------------------------------------

TEST(DataDir, UnrelatedFileIsForeignAndTheDirIsLeftUntouched) {
  TempDir tmp;
  write_bytes(tmp.path() / "notes.txt", "mine");
  expect_refused(tmp.path().string(), ErrorCode::data_dir_foreign, "notes.txt");
  EXPECT_EQ(listing(tmp.path()), std::vector<std::string>{"notes.txt"});  // no convoy.lock
}

TEST(DataDir, UnrelatedFileBesideAValidStoreIsForeign) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  fs::create_directory(dir / "backup");
  expect_refused(dir, ErrorCode::data_dir_foreign, "backup");
}

TEST(DataDir, PathThatIsAFileIsForeign) {
  TempDir tmp;
  write_bytes(tmp.path() / "file", "x");
  expect_refused(tmp / "file", ErrorCode::data_dir_foreign, "not a directory");
}

TEST(DataDir, OrdinaryLmdbEnvironmentIsForeign) {
  // Another program's LMDB dir (data.mdb + lock.mdb), pointed at by mistake.
  TempDir tmp;
  { RawLmdb(tmp.path(), 0).put(nullptr, "their", "data"); }
  const auto before = read_bytes(data_file(tmp.path()));
  expect_refused(tmp.path().string(), ErrorCode::data_dir_foreign, "lock.mdb");
  EXPECT_EQ(read_bytes(data_file(tmp.path())), before);
}

TEST(DataDir, LmdbFileWithoutConvoysMetaIsForeign) {
  TempDir tmp;
  { RawLmdb(data_file(tmp.path())).put(nullptr, "their", "data"); }
  const auto before = read_bytes(data_file(tmp.path()));
  expect_refused(tmp.path().string(), ErrorCode::data_dir_foreign, "meta");
  EXPECT_EQ(read_bytes(data_file(tmp.path())), before);
  expect_refused(tmp.path().string(), ErrorCode::data_dir_foreign);
}

TEST(DataDir, MetaRecordWithAnotherMagicIsForeign) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  {
    RawLmdb raw(data_file(dir));
    auto meta = raw.get(records::kMetaDb, std::string(records::kMetaKey));
    meta.replace(0, 8, "OTHERAPP");
    raw.put(records::kMetaDb, std::string(records::kMetaKey), meta);
  }
  expect_refused(dir, ErrorCode::data_dir_foreign);
}

// ---- newer -----------------------------------------------------------------------------------

TEST(DataDir, NewerFormatIsRefusedAndLeftUntouched) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  {
    RawLmdb raw(data_file(dir));
    auto meta = raw.get(records::kMetaDb, std::string(records::kMetaKey));
    meta[8] = static_cast<char>(records::kFormatVersion + 1);
    raw.put(records::kMetaDb, std::string(records::kMetaKey), meta + "new fields");
    raw.put(records::kItemsDb, "key0", "an item record of a layout this build does not know");
  }
  const auto before = read_bytes(data_file(dir));
  expect_refused(dir, ErrorCode::data_dir_newer, "version 2");
  EXPECT_EQ(read_bytes(data_file(dir)), before);
  expect_refused(dir, ErrorCode::data_dir_newer);
}

// ---- damaged ---------------------------------------------------------------------------------

// Damages a valid dir's data.mdb with `damage`, then checks two opens are refused as damaged and
// the damaged file is left as it was.
template <typename Damage>
void expect_damage_refused(Damage&& damage, const std::string& detail = "") {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  auto bytes = read_bytes(data_file(dir));
  ASSERT_GT(bytes.size(), 100U * 1024) << "the valid dir should span many pages";
  damage(bytes);
  write_bytes(data_file(dir), bytes);
  expect_refused(dir, ErrorCode::data_dir_damaged, detail);
  EXPECT_EQ(read_bytes(data_file(dir)), bytes);
  expect_refused(dir, ErrorCode::data_dir_damaged, detail);
}

TEST(DataDir, TruncatedToNothingIsDamagedNotNew) {
  // LMDB alone would take an empty file for a new environment: the member would start afresh.
  expect_damage_refused([](std::string& bytes) { bytes.clear(); }, "empty");
}

TEST(DataDir, TruncatedInsideTheHeaderIsDamaged) {
  expect_damage_refused([](std::string& bytes) { bytes.resize(100); });
}

TEST(DataDir, TruncatedToHalfIsDamaged) {
  expect_damage_refused([](std::string& bytes) { bytes.resize(bytes.size() / 2); }, "truncated");
}

TEST(DataDir, LastPageCutOffIsDamaged) {
  expect_damage_refused([](std::string& bytes) { bytes.resize(bytes.size() - 4096); }, "truncated");
}

TEST(DataDir, GarbageOverTheWholeFileIsDamaged) {
  expect_damage_refused([](std::string& bytes) {
    std::mt19937 rng(7);
    for (auto& c : bytes) c = static_cast<char>(rng());
  });
}

TEST(DataDir, GarbageOverTheFirstPageIsDamaged) {
  expect_damage_refused([](std::string& bytes) {
    std::mt19937 rng(11);
    for (std::size_t i = 0; i < 4096; ++i) bytes[i] = static_cast<char>(rng());
  });
}

TEST(DataDir, FlippedByteInsideAnItemValueIsDamaged) {
  // LMDB has no checksums of its own: only the record's CRC can see this.
  expect_damage_refused(
      [](std::string& bytes) {
        const auto at = bytes.find("FIND-ME-IN-THE-FILE");
        ASSERT_NE(at, std::string::npos);
        bytes[at + 5] ^= 0x01;
      },
      "checksum");
}

TEST(DataDir, MetaRecordThatFailsItsChecksumIsDamaged) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  {
    RawLmdb raw(data_file(dir));
    auto meta = raw.get(records::kMetaDb, std::string(records::kMetaKey));
    meta[28] ^= 0x04;  // the incarnation: 3 would read as 7
    raw.put(records::kMetaDb, std::string(records::kMetaKey), meta);
  }
  expect_refused(dir, ErrorCode::data_dir_damaged, "meta record");
}

TEST(DataDir, MissingMetaOrPeersRecordIsDamaged) {
  for (const auto key : {records::kMetaKey, records::kPeersKey}) {
    TempDir tmp;
    const auto dir = make_valid_dir(tmp);
    { RawLmdb(data_file(dir)).del(records::kMetaDb, std::string(key)); }
    expect_refused(dir, ErrorCode::data_dir_damaged);
  }
}

TEST(DataDir, ItemRecordUnderAnotherKeyIsDamaged) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  {
    RawLmdb raw(data_file(dir));
    raw.put(records::kItemsDb, "key1", raw.get(records::kItemsDb, "key2"));
  }
  expect_refused(dir, ErrorCode::data_dir_damaged, "checksum");
}

// ---- io --------------------------------------------------------------------------------------

TEST(DataDir, DirUnderARegularFileIsAnIoError) {
  TempDir tmp;
  write_bytes(tmp.path() / "file", "x");
  expect_refused(tmp / "file/data", ErrorCode::io);
}

TEST(DataDir, DataFileSymlinkToAMissingTargetIsAnErrorNotANewMember) {
  // data.mdb kept on another disk through a symlink, and that disk not mounted at start.
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  const auto elsewhere = tmp.path() / "other-disk.mdb";
  fs::rename(data_file(dir), elsewhere);
  fs::create_symlink(elsewhere, data_file(dir));
  fs::rename(elsewhere, tmp.path() / "unmounted");
  expect_refused(dir, ErrorCode::io);
  EXPECT_TRUE(fs::is_symlink(data_file(dir)));  // not replaced by a new data file

  fs::rename(tmp.path() / "unmounted", elsewhere);  // the disk is back
  const auto storage = open_lmdb({.data_dir = dir}, kOtherId);
  EXPECT_EQ(storage->initial().id, kId);
  EXPECT_EQ(storage->initial().items.size(), 101U);
}

// Permission errors need an unprivileged opener, and the tests run as root, which may read and
// write anything: so the open runs in a child that has dropped to nobody (65534) first. Its exit
// status carries the error code (255: the open succeeded; 254: it could not drop privileges).
int open_status_without_privileges(const std::string& dir) {
  testing::ChildProcess child([&](const testing::ChildChannel&) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(254);
    try {
      (void)open_lmdb({.data_dir = dir}, kOtherId);
    } catch (const Error& e) {
      _exit(static_cast<int>(e.code()));
    }
    _exit(255);
  });
  return child.wait_for_exit();
}

TEST(DataDir, UnwritableParentIsAnIoError) {
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::others_read |
                                  fs::perms::others_exec);  // others may look, not write
  EXPECT_EQ(open_status_without_privileges(tmp / "data"), static_cast<int>(ErrorCode::io));
  EXPECT_FALSE(fs::exists(tmp / "data"));
}

TEST(DataDir, UnreadableDataFileIsAnIoError) {
  TempDir tmp;
  const auto dir = make_valid_dir(tmp);
  const auto others_rx = fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(tmp.path(), fs::perms::owner_all | others_rx);
  fs::permissions(dir, fs::perms::owner_all | others_rx | fs::perms::others_write);
  for (const auto* name : {"convoy.lock", "data.mdb-lock"}) {
    fs::permissions(fs::path(dir) / name, fs::perms::others_read | fs::perms::others_write,
                    fs::perm_options::add);
  }
  fs::permissions(data_file(dir), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(open_status_without_privileges(dir), static_cast<int>(ErrorCode::io));
  // The control: with data.mdb readable and writable, the same unprivileged open works.
  fs::permissions(data_file(dir), fs::perms::others_read | fs::perms::others_write,
                  fs::perm_options::add);
  EXPECT_EQ(open_status_without_privileges(dir), 255);
}

}  // namespace
}  // namespace convoy::storage
