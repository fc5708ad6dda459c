// LMDB handles: see lmdb_env.hpp.
#include "storage/lmdb_env.hpp"

#include <lmdb.h>

#include <utility>

namespace convoy::storage::lmdb {

Failure::Failure(int rc, const std::string& call)
    : std::runtime_error(call + ": " + mdb_strerror(rc)), rc_(rc) {}

void check(int rc, const char* call) {
  if (rc != 0) throw Failure(rc, call);
}

void Env::Closer::operator()(MDB_env* env) const {
  mdb_env_close(env);
}

Env::Env(const std::filesystem::path& file, std::size_t map_size, unsigned max_dbs) {
  MDB_env* raw = nullptr;
  check(mdb_env_create(&raw), "mdb_env_create");
  env_.reset(raw);
  check(mdb_env_set_mapsize(raw, map_size), "mdb_env_set_mapsize");
  check(mdb_env_set_maxdbs(raw, max_dbs), "mdb_env_set_maxdbs");
  // NOSUBDIR: the data dir also holds convoy.lock, so LMDB gets named files, not the whole dir.
  // NOTLS: read slots belong to transactions, not threads, so the owner may move between threads.
  check(mdb_env_open(raw, file.c_str(), MDB_NOSUBDIR | MDB_NOTLS, 0644), "mdb_env_open");
}

std::size_t Env::map_size() const {
  MDB_envinfo info;
  check(mdb_env_info(env_.get(), &info), "mdb_env_info");
  return info.me_mapsize;
}

void Env::set_map_size(std::size_t bytes) {
  check(mdb_env_set_mapsize(env_.get(), bytes), "mdb_env_set_mapsize");
}

bool Env::file_covers_used_pages(std::size_t file_size) const {
  MDB_envinfo info;
  check(mdb_env_info(env_.get(), &info), "mdb_env_info");
  MDB_stat stat;
  check(mdb_env_stat(env_.get(), &stat), "mdb_env_stat");
  return file_size / stat.ms_psize > info.me_last_pgno;
}

Txn::Txn(const Env& env, Access access) {
  const unsigned flags = access == Access::read_only ? MDB_RDONLY : 0;
  check(mdb_txn_begin(env.get(), nullptr, flags, &txn_), "mdb_txn_begin");
}

Txn::~Txn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

void Txn::commit() {
  // mdb_txn_commit frees the transaction even when it fails, so it is never aborted after this.
  MDB_txn* txn = std::exchange(txn_, nullptr);
  check(mdb_txn_commit(txn), "mdb_txn_commit");
}

}  // namespace convoy::storage::lmdb
