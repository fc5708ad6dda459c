// LmdbStorage: opening (check the dir, lock it, create the data file if absent, read and check
// every record) and writing (one LMDB transaction per commit or per sync). See lmdb_storage.hpp.
#include "storage/lmdb_storage.hpp"

#include "storage/batch_rules.hpp"
#include "storage/data_dir.hpp"
#include "storage/record_codec.hpp"

#include <convoy/error.hpp>

#include <lmdb.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace convoy::storage {
namespace {

namespace fs = std::filesystem;

static_assert(std::is_same_v<MDB_dbi, unsigned>, "LmdbStorage::Databases stores MDB_dbi");

constexpr unsigned kMaxDbs = 2;                             // "meta" and "items"
constexpr std::size_t kMinMapSize = std::size_t{64} << 10;  // a few dozen pages
constexpr std::size_t kMaxMapSize = std::size_t{1} << 40;   // where growing stops: 1 TiB

MDB_val val_of(std::string_view bytes) {
  // LMDB does not write through mv_data on put; the cast only satisfies its C signature.
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

std::string_view view_of(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}

records::Meta meta_of(const DurableState& state) {
  return {state.id, state.incarnation, state.store_epoch, state.store_version, state.gc_version};
}

// Opening failures LMDB reports about the file's content, as opposed to the system's.
bool is_damage(int rc) {
  return rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED ||
         rc == MDB_PAGE_NOTFOUND || rc == MDB_PANIC;
}

template <typename T>
T take(records::Decoded<T>&& decoded, const fs::path& dir) {
  if (auto* failure = std::get_if<records::DecodeFailure>(&decoded)) {
    throw data_dir::error(failure->code, dir, failure->reason);
  }
  return std::get<T>(std::move(decoded));
}

// The first state of a new member, written to the staging file (see data_dir.hpp).
void write_first_state(const fs::path& dir, std::size_t map_size, const MemberId& id) {
  const lmdb::Env env(dir / data_dir::kStagingFile, map_size, kMaxDbs);
  lmdb::Txn txn(env, lmdb::Txn::Access::read_write);
  MDB_dbi meta = 0;
  MDB_dbi items = 0;
  lmdb::check(mdb_dbi_open(txn.get(), records::kMetaDb, MDB_CREATE, &meta), "mdb_dbi_open");
  lmdb::check(mdb_dbi_open(txn.get(), records::kItemsDb, MDB_CREATE, &items), "mdb_dbi_open");
  const auto meta_bytes = records::encode_meta({.id = id});
  const auto peers_bytes = records::encode_peers({});
  MDB_val key = val_of(records::kMetaKey);
  MDB_val value = val_of(meta_bytes);
  lmdb::check(mdb_put(txn.get(), meta, &key, &value, 0), "mdb_put");
  key = val_of(records::kPeersKey);
  value = val_of(peers_bytes);
  lmdb::check(mdb_put(txn.get(), meta, &key, &value, 0), "mdb_put");
  txn.commit();  // flushed before it returns; the environment closes at the end of the scope
}

// Reads the record under `key`, or throws data_dir_damaged naming `what` if it is absent.
std::string_view get_record(MDB_txn* txn, MDB_dbi dbi, std::string_view key, const fs::path& dir,
                            const char* what) {
  MDB_val k = val_of(key);
  MDB_val v;
  const int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) {
    throw data_dir::error(ErrorCode::data_dir_damaged, dir, std::string("it has no ") + what);
  }
  lmdb::check(rc, "mdb_get");
  return view_of(v);
}

struct OpenedFile {
  lmdb::Env env;
  LmdbStorage::Databases dbs;
  DurableState state;
};

// Opens data.mdb and reads every record, checking each. The meta record comes first: its magic
// and version say whether the rest may be read at all.
OpenedFile read_data_file(const fs::path& dir, std::size_t map_size) {
  const auto file = dir / data_dir::kDataFile;
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) {
    throw data_dir::error(ErrorCode::io, dir, "reading data.mdb failed (" + ec.message() + ")");
  }
  // LMDB would take an empty file for a new one and quietly start over.
  if (size == 0) throw data_dir::error(ErrorCode::data_dir_damaged, dir, "data.mdb is empty");

  lmdb::Env env(file, map_size, kMaxDbs);
  if (!env.file_covers_used_pages(size)) {
    throw data_dir::error(ErrorCode::data_dir_damaged, dir,
                          "data.mdb is shorter than its own index says (truncated)");
  }
  lmdb::Txn txn(env, lmdb::Txn::Access::read_only);
  LmdbStorage::Databases dbs;
  int rc = mdb_dbi_open(txn.get(), records::kMetaDb, 0, &dbs.meta);
  if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
    throw data_dir::error(ErrorCode::data_dir_foreign, dir,
                          "data.mdb is an LMDB file without Convoy's meta table");
  }
  lmdb::check(rc, "mdb_dbi_open");

  DurableState state;
  const auto meta = take(
      records::decode_meta(get_record(txn.get(), dbs.meta, records::kMetaKey, dir, "meta record")),
      dir);
  state.id = meta.id;
  state.incarnation = meta.incarnation;
  state.store_epoch = meta.store_epoch;
  state.store_version = meta.store_version;
  state.gc_version = meta.gc_version;
  state.known_peers = take(
      records::decode_peers(get_record(txn.get(), dbs.meta, records::kPeersKey, dir, "peer list")),
      dir);

  rc = mdb_dbi_open(txn.get(), records::kItemsDb, 0, &dbs.items);
  if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
    throw data_dir::error(ErrorCode::data_dir_damaged, dir, "it has no item table");
  }
  lmdb::check(rc, "mdb_dbi_open");
  MDB_cursor* raw_cursor = nullptr;
  lmdb::check(mdb_cursor_open(txn.get(), dbs.items, &raw_cursor), "mdb_cursor_open");
  const std::unique_ptr<MDB_cursor, decltype(&mdb_cursor_close)> cursor(raw_cursor,
                                                                        &mdb_cursor_close);
  MDB_val key;
  MDB_val value;
  for (rc = mdb_cursor_get(raw_cursor, &key, &value, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(raw_cursor, &key, &value, MDB_NEXT)) {
    if (key.mv_size > kMaxKeyBytes) {
      throw data_dir::error(ErrorCode::data_dir_damaged, dir, "an item key is too long");
    }
    state.items.push_back(take(records::decode_item(view_of(key), view_of(value)), dir));
  }
  if (rc != MDB_NOTFOUND) lmdb::check(rc, "mdb_cursor_get");
  txn.commit();  // a read-only commit keeps the database handles open for the writes to come
  return {std::move(env), dbs, std::move(state)};
}

void check_options(const StorageOptions& options, const MemberId& fresh_id) {
  if (options.data_dir.empty()) {
    throw Error(ErrorCode::invalid_config, "storage: data_dir is empty; name a directory");
  }
  if (options.map_size < kMinMapSize || options.map_size > kMaxMapSize) {
    throw Error(ErrorCode::invalid_config, "storage: map_size " + std::to_string(options.map_size) +
                                               " is outside " + std::to_string(kMinMapSize) + ".." +
                                               std::to_string(kMaxMapSize));
  }
  if (fresh_id.is_nil()) {
    throw Error(ErrorCode::invalid_argument, "storage: the fresh member id is nil");
  }
}

}  // namespace

std::unique_ptr<Storage> open_lmdb(const StorageOptions& options, const MemberId& fresh_id) {
  check_options(options, fresh_id);
  const fs::path dir(options.data_dir);
  data_dir::prepare(dir);
  DataDirLock lock(dir);
  try {
    data_dir::remove_staging(dir);
    bool created = false;
    // symlink_status: a data.mdb symlink whose target is missing (a disk not mounted) must fail
    // to open, not count as absent and be replaced by a new member.
    std::error_code ec;
    const auto data_file = fs::symlink_status(dir / data_dir::kDataFile, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw data_dir::error(ErrorCode::io, dir,
                            "looking up data.mdb failed (" + ec.message() + ")");
    }
    if (!fs::exists(data_file)) {
      write_first_state(dir, options.map_size, fresh_id);
      data_dir::publish_staging(dir);
      created = true;
    }
    // A new file is read back like any other: what is checked at every start is checked now.
    auto opened = read_data_file(dir, options.map_size);
    return std::make_unique<LmdbStorage>(dir, options.sync, std::move(lock), std::move(opened.env),
                                         opened.dbs, std::move(opened.state), created);
  } catch (const lmdb::Failure& failure) {
    const auto code = is_damage(failure.rc()) ? ErrorCode::data_dir_damaged : ErrorCode::io;
    throw data_dir::error(code, dir, failure.what());
  }
}

LmdbStorage::LmdbStorage(fs::path dir, SyncMode mode, DataDirLock lock, lmdb::Env env,
                         Databases dbs, DurableState initial, bool created)
    : dir_(std::move(dir)),
      mode_(mode),
      lock_(std::move(lock)),
      env_(std::move(env)),
      dbs_(dbs),
      initial_(std::move(initial)),
      created_(created) {
  current_.id = initial_.id;
  current_.incarnation = initial_.incarnation;
  current_.store_epoch = initial_.store_epoch;
  current_.store_version = initial_.store_version;
  current_.gc_version = initial_.gc_version;
}

LmdbStorage::~LmdbStorage() {
  if (queued_.empty()) return;
  try {
    write(queued_, current_);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor cannot report; see the header
  }
}

void LmdbStorage::commit(const Batch& batch) {
  check_batch(batch, current_.incarnation);
  if (mode_ == SyncMode::per_batch) {
    queued_.push_back(batch);
    apply_counters(batch, current_);
    return;
  }
  DurableState next = current_;
  apply_counters(batch, next);
  write({&batch, 1}, next);
  current_ = std::move(next);
}

void LmdbStorage::sync() {
  if (queued_.empty()) return;
  write(queued_, current_);
  queued_.clear();
}

void LmdbStorage::write(std::span<const Batch> batches, const DurableState& counters) {
  for (;;) {
    try {
      write_once(batches, counters);
      return;
    } catch (const lmdb::Failure& failure) {
      // The transaction has been aborted (Txn's destructor), so the map may be resized.
      if (failure.rc() != MDB_MAP_FULL) {
        throw Error(ErrorCode::io, "cannot write to data dir " + dir_.string() + ": " +
                                       failure.what() + "; check free space and the disk");
      }
    }
    grow_map();
  }
}

void LmdbStorage::write_once(std::span<const Batch> batches, const DurableState& counters) {
  lmdb::Txn txn(env_, lmdb::Txn::Access::read_write);
  bool counters_set = false;
  for (const auto& batch : batches) {
    if (batch.replace_items) lmdb::check(mdb_drop(txn.get(), dbs_.items, 0), "mdb_drop");
    for (const auto& erased : batch.erase_keys) {
      MDB_val key = val_of(erased);
      const int rc = mdb_del(txn.get(), dbs_.items, &key, nullptr);
      if (rc != MDB_NOTFOUND) lmdb::check(rc, "mdb_del");
    }
    for (const auto& item : batch.put_items) {
      const auto bytes = records::encode_item(item);
      MDB_val key = val_of(item.key);
      MDB_val value = val_of(bytes);
      lmdb::check(mdb_put(txn.get(), dbs_.items, &key, &value, 0), "mdb_put");
    }
    if (batch.known_peers) {
      const auto bytes = records::encode_peers(*batch.known_peers);
      MDB_val key = val_of(records::kPeersKey);
      MDB_val value = val_of(bytes);
      lmdb::check(mdb_put(txn.get(), dbs_.meta, &key, &value, 0), "mdb_put");
    }
    counters_set = counters_set || sets_counters(batch);
  }
  if (counters_set) {
    const auto bytes = records::encode_meta(meta_of(counters));
    MDB_val key = val_of(records::kMetaKey);
    MDB_val value = val_of(bytes);
    lmdb::check(mdb_put(txn.get(), dbs_.meta, &key, &value, 0), "mdb_put");
  }
  txn.commit();
}

void LmdbStorage::grow_map() {
  const auto size = env_.map_size();
  if (size >= kMaxMapSize) {
    throw Error(ErrorCode::io, "cannot write to data dir " + dir_.string() +
                                   ": data.mdb has reached the 1 TiB limit; free items or " +
                                   "move the member to a new data dir");
  }
  try {
    env_.set_map_size(std::min(size * 2, kMaxMapSize));
  } catch (const lmdb::Failure& failure) {
    throw Error(ErrorCode::io, "cannot grow the memory map of data dir " + dir_.string() + ": " +
                                   failure.what() + "; check the process's address-space limit");
  }
}

}  // namespace convoy::storage
