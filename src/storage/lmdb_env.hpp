// LMDB handles: RAII owners for an LMDB environment and transaction, and the one exception type
// LMDB failures travel in until LmdbStorage turns them into a convoy::Error that names the data
// dir and says what to do. lmdb.h stays out of this header (LMDB is a private dependency of the
// storage library), so the LMDB types are only forward-declared here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

struct MDB_env;
struct MDB_txn;

namespace convoy::storage::lmdb {

/// An LMDB call returned `rc` (an LMDB or errno code).
class Failure : public std::runtime_error {
 public:
  Failure(int rc, const std::string& call);
  [[nodiscard]] int rc() const noexcept { return rc_; }

 private:
  int rc_;
};

/// Throws Failure if `rc` is not 0.
void check(int rc, const char* call);

/// An open environment on one data file (MDB_NOSUBDIR), with `max_dbs` named databases.
class Env {
 public:
  Env(const std::filesystem::path& file, std::size_t map_size, unsigned max_dbs);

  [[nodiscard]] MDB_env* get() const { return env_.get(); }

  /// The current size of the memory map.
  [[nodiscard]] std::size_t map_size() const;
  /// Grows the memory map; no transaction may be open.
  void set_map_size(std::size_t bytes);
  /// True if the data file is at least as long as the last page LMDB's meta page refers to. A
  /// shorter file was truncated: reading the missing pages through the map would be SIGBUS.
  [[nodiscard]] bool file_covers_used_pages(std::size_t file_size) const;

 private:
  struct Closer {
    void operator()(MDB_env* env) const;
  };
  std::unique_ptr<MDB_env, Closer> env_;
};

/// A transaction; aborted on destruction unless committed.
class Txn {
 public:
  enum class Access : std::uint8_t { read_only, read_write };

  Txn(const Env& env, Access access);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  [[nodiscard]] MDB_txn* get() const { return txn_; }
  void commit();

 private:
  MDB_txn* txn_ = nullptr;
};

}  // namespace convoy::storage::lmdb
