// Data dir: see data_dir.hpp.
#include "storage/data_dir.hpp"

#include "storage/data_dir_lock.hpp"

#include <convoy/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace convoy::storage::data_dir {
namespace {

namespace fs = std::filesystem;

// LMDB names its lock file after the data file (MDB_NOSUBDIR).
constexpr const char* kDataLockFile = "data.mdb-lock";
constexpr const char* kStagingLockFile = "data.mdb.new-lock";

// Every name Convoy may leave in a data dir. lost+found is there when the data dir is the root
// of its own file system, which is a sensible way to give a member its own disk.
bool is_ours(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kNames = {DataDirLock::kFileName, kDataFile,
                                                             kDataLockFile,          kStagingFile,
                                                             kStagingLockFile,       "lost+found"};
  for (const auto known : kNames) {
    if (name == known) return true;
  }
  return false;
}

[[noreturn]] void throw_io(const fs::path& dir, const char* step, const std::error_code& ec) {
  throw error(ErrorCode::io, dir, std::string(step) + " failed (" + ec.message() + ")");
}

// Makes a new directory entry durable: without it a power cut can forget a file that was
// renamed into place or a directory that was just created.
void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::error_code ec(errno, std::generic_category());
    if (fd >= 0) ::close(fd);
    throw_io(dir, "flushing its directory entry", ec);
  }
  ::close(fd);
}

}  // namespace

Error error(ErrorCode code, const fs::path& dir, const std::string& reason) {
  const auto name = dir.string();
  switch (code) {
    case ErrorCode::data_dir_damaged:
      return Error(code, "data dir " + name + " is damaged: " + reason +
                             "; restore it from a backup, or move it away to start this member " +
                             "afresh under a new identity");
    case ErrorCode::data_dir_foreign:
      return Error(code, "data dir " + name + " is not Convoy's: " + reason +
                             "; point the data dir at an empty directory or one Convoy created");
    case ErrorCode::data_dir_newer:
      return Error(code, "data dir " + name + " was written by a newer Convoy: " + reason +
                             "; run that version (or a later one) on it");
    default:
      return Error(code, "cannot use data dir " + name + ": " + reason +
                             "; check the path, its permissions and the disk");
  }
}

void prepare(const fs::path& dir) {
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw_io(dir, "looking it up", ec);
  }
  if (!fs::exists(status)) {
    if (!fs::create_directories(dir, ec) && ec) {
      throw_io(dir, "creating it", ec);
    }
    // "a/b/" names b like "a/b" does; its parent holds the new entry.
    auto full = fs::absolute(dir).lexically_normal();
    if (!full.has_filename()) full = full.parent_path();
    fsync_dir(full.parent_path());
    return;
  }
  if (!fs::is_directory(status)) {
    throw error(ErrorCode::data_dir_foreign, dir, "it is a file, not a directory");
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!is_ours(name)) {
      throw error(ErrorCode::data_dir_foreign, dir, "it holds \"" + name + "\"");
    }
  }
  if (ec) throw_io(dir, "listing it", ec);
}

void remove_staging(const fs::path& dir) {
  for (const auto* name : {kStagingFile, kStagingLockFile}) {
    std::error_code ec;
    fs::remove(dir / name, ec);
    if (ec) throw_io(dir, "removing an unfinished data.mdb.new", ec);
  }
}

void publish_staging(const fs::path& dir) {
  std::error_code ec;
  fs::rename(dir / kStagingFile, dir / kDataFile, ec);
  if (ec) throw_io(dir, "renaming data.mdb.new to data.mdb", ec);
  fsync_dir(dir);
  fs::remove(dir / kStagingLockFile, ec);  // LMDB's lock file: harmless if it stays
}

}  // namespace convoy::storage::data_dir
