// LmdbStorage: the Storage that outlives the process, power loss included. One LMDB data file in
// the data dir holds the records drawn in record_codec.hpp; each commit (or each sync, in
// per_batch mode) is one LMDB write transaction, which LMDB makes atomic and, by flushing before
// it returns, durable. The data dir is held exclusively (data_dir_lock.hpp) while this object
// lives, so what it remembers of the state (the counters, for the incarnation check and the meta
// record) cannot go stale.
//
// Opening reads and checks the whole file once, so damage is found at start, not at the first
// write after days of running.
#pragma once

#include "storage/data_dir_lock.hpp"
#include "storage/lmdb_env.hpp"
#include "storage/storage.hpp"

#include <filesystem>
#include <span>
#include <vector>

namespace convoy::storage {

class LmdbStorage final : public Storage {
 public:
  /// The data file's databases, handles valid as long as the environment.
  struct Databases {
    unsigned meta = 0;  // MDB_dbi
    unsigned items = 0;
  };

  /// Use open_lmdb (storage.hpp), which prepares, locks and if need be creates the data dir.
  LmdbStorage(std::filesystem::path dir, SyncMode mode, DataDirLock lock, lmdb::Env env,
              Databases dbs, DurableState initial, bool created);
  /// In per_batch mode, writes the queued batches (an error here cannot be reported: call sync()
  /// before closing to see it).
  ~LmdbStorage() override;

  LmdbStorage(const LmdbStorage&) = delete;
  LmdbStorage& operator=(const LmdbStorage&) = delete;

  [[nodiscard]] const DurableState& initial() const override { return initial_; }
  [[nodiscard]] bool created() const override { return created_; }
  void commit(const Batch& batch) override;
  void sync() override;

 private:
  /// Writes `batches` in one transaction, with `counters` as the meta record if any batch set a
  /// counter; grows the map and starts over if it is full. Throws Error(io).
  void write(std::span<const Batch> batches, const DurableState& counters);
  void write_once(std::span<const Batch> batches, const DurableState& counters);
  void grow_map();

  std::filesystem::path dir_;
  SyncMode mode_;
  DataDirLock lock_;  // declared before env_, so released only after the environment is closed
  lmdb::Env env_;
  Databases dbs_;
  DurableState initial_;
  bool created_;
  /// The id and counters as of the last commit (items and peers stay empty: they are in the file).
  DurableState current_;
  /// per_batch: the batches committed since the last sync(), in order.
  std::vector<Batch> queued_;
};

}  // namespace convoy::storage
