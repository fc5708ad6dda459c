// Data dir: the directory half of opening a data dir, apart from LMDB: which files Convoy keeps
// there, refusing a directory that holds anything else, and creating data.mdb so that it is
// either absent or complete. A data.mdb half written by a crash during creation would otherwise
// read, next time, as a store that lost everything, or as someone else's file.
//
// Creation writes the first state into data.mdb.new, flushes it, and renames it to data.mdb (then
// flushes the directory): rename is atomic, so data.mdb always has its meta record, and a
// data.mdb.new left behind is only an unfinished creation, removed at the next open.
#pragma once

#include <convoy/error.hpp>

#include <filesystem>
#include <string>

namespace convoy::storage::data_dir {

/// The LMDB data file, opened with MDB_NOSUBDIR (so LMDB's own lock file is data.mdb-lock).
inline constexpr const char* kDataFile = "data.mdb";
/// Where a new data file is written before it is renamed to kDataFile.
inline constexpr const char* kStagingFile = "data.mdb.new";

/// The error for a data dir that cannot be opened: one line naming `dir`, saying what is wrong
/// (`reason`, a phrase) and what to do about it, which depends on `code`.
[[nodiscard]] Error error(ErrorCode code, const std::filesystem::path& dir,
                          const std::string& reason);

/// Makes sure `dir` is a directory that holds only Convoy's files (or nothing), creating it and
/// its parents if absent. Throws Error(data_dir_foreign) naming the first file that is not
/// Convoy's (before creating anything in the dir), Error(io) if it cannot be created or read.
void prepare(const std::filesystem::path& dir);

/// Removes what an interrupted creation left behind. Call with the dir locked.
void remove_staging(const std::filesystem::path& dir);

/// Renames the flushed staging file to kDataFile and flushes the directory, so the new data file
/// survives power loss. Throws Error(io).
void publish_staging(const std::filesystem::path& dir);

}  // namespace convoy::storage::data_dir
