// DataDirLock: one owner per data dir. LMDB itself lets many processes share an environment, and
// two members writing one data dir would interleave two identities' state; worse, LMDB must not
// be opened twice in one process at all. So whoever opens a data dir first takes an exclusive
// flock on its convoy.lock and keeps it until closing, and everyone else is refused with a message
// naming the holder's pid.
//
// flock, not fcntl locks: an fcntl lock belongs to the process, so a second open in the same
// process would silently succeed; a flock belongs to the open file, so it refuses that too. The
// lock file is never deleted: deleting it would let two openers lock two different files.
#pragma once

#include <filesystem>

namespace convoy::storage {

class DataDirLock {
 public:
  /// Name of the lock file inside the data dir.
  static constexpr const char* kFileName = "convoy.lock";

  /// Locks `dir` (which must exist), creating the lock file if needed and writing this process's
  /// pid into it. Throws Error(data_dir_locked) naming the holder's pid if someone holds it, and
  /// Error(io) if the lock file cannot be created or locked.
  explicit DataDirLock(const std::filesystem::path& dir);
  ~DataDirLock();

  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;

 private:
  int fd_ = -1;  // the open lock file; closing it releases the lock
};

}  // namespace convoy::storage
