// Storage: what one member must remember across a restart, and the interface the runtime writes it
// through. A member that forgets its incarnation comes back older than its own last life and is
// refuted by its own rumours; one that forgets its store versions hands out a version twice; one
// that forgets its peers cannot find the cluster again after a full outage. So the runtime makes
// each change durable (commit, or commit + sync) before it sends anything that depends on it.
//
// Two implementations with the same semantics: LMDB in a data directory (lmdb_storage.hpp) and
// memory (memory_storage.hpp) for the simulator and for tests that compare the two.
//
// A Storage object is not thread-safe: the runtime calls it from the strand that owns the engine.
// Every field of the value types below has an initializer, so a designated initializer may name
// only the fields it sets (`Batch{.incarnation = 7}`) without -Wmissing-field-initializers.
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace convoy::storage {

/// Keys longer than this are refused: the wire format caps keys at 256 bytes.
inline constexpr std::size_t kMaxKeyBytes = 256;
/// Values longer than this are refused. The store's configured limit (64 KiB by default,
/// core::Config::max_value_bytes) is enforced by the engine and is normally far lower; this
/// ceiling only bounds what one record may cost to read back at start.
inline constexpr std::size_t kMaxValueBytes = std::size_t{16} << 20;
/// Known peers kept for rejoining after a full outage; a longer list is refused.
inline constexpr std::size_t kMaxKnownPeers = 1024;

/// One item of the member's own store, as stored. A tombstone (`deleted`) keeps its version so
/// the deletion keeps replicating until the engine collects it.
struct StoredItem {
  std::string key{};  ///< 1..kMaxKeyBytes bytes, any content
  std::string value{};
  std::uint64_t version = 0;
  bool deleted = false;

  friend bool operator==(const StoredItem&, const StoredItem&) = default;
};

/// Everything a member persists. `items` are sorted by key (bytewise, as std::string compares),
/// each key once; `known_peers` keep the order they were committed in.
struct DurableState {
  MemberId id{};                    ///< written once, when the data dir is created
  std::uint64_t incarnation = 0;    ///< never goes down (commit refuses a lower one)
  std::uint64_t store_epoch = 0;    ///< the own store's epoch
  std::uint64_t store_version = 0;  ///< the own store's watermark
  std::uint64_t gc_version = 0;     ///< highest version of a collected tombstone
  std::vector<StoredItem> items{};
  std::vector<Address> known_peers{};

  friend bool operator==(const DurableState&, const DurableState&) = default;
};

/// Changes committed atomically together: after a crash either all of them are on disk or none.
/// Anything left unset is untouched. They apply in this order: `replace_items` empties the item
/// set, then `erase_keys` are removed (an absent key is no error), then `put_items` are written
/// (a later put of the same key wins). So `replace_items` + `put_items` makes the item set exactly
/// `put_items`.
struct Batch {
  std::optional<std::uint64_t> incarnation{};  ///< must not be below the stored incarnation
  std::optional<std::uint64_t> store_epoch{};
  std::optional<std::uint64_t> store_version{};
  std::optional<std::uint64_t> gc_version{};
  bool replace_items = false;
  std::vector<std::string> erase_keys{};
  std::vector<StoredItem> put_items{};
  std::optional<std::vector<Address>> known_peers{};  ///< replaces the whole list; ≤ kMaxKnownPeers
};

/// When a commit becomes durable (survives power loss, not only a crash of the process).
enum class SyncMode : std::uint8_t {
  /// Every commit is flushed to disk before it returns. Simple; costs a flush per commit (two
  /// fsyncs in LMDB: data pages, then the meta page), ~8 ms on a VM disk (docs/storage_bench.md).
  per_commit,
  /// commit() only queues the batch (after checking it); sync() writes every batch queued since
  /// the last sync() in one transaction and flushes it, so commits made before a sync() are
  /// durable when it returns and none of them is before. The runtime groups many commits and
  /// calls sync() before acknowledging any of them. A crash (even of the process) loses the
  /// commits queued since the last sync(), and only whole batches: the data file always holds
  /// the state after some batch. Queued batches are written at close too, on a best-effort basis.
  per_batch,
};

/// One member's durable state store. Reads happen once, at open (initial()); afterwards the
/// owner only writes, and holds the current state in memory itself.
class Storage {
 public:
  virtual ~Storage() = default;

  /// What was stored when this object was opened; for a new data dir the fresh state (the given
  /// id, every counter 0, no items, no peers). Not updated by commit().
  [[nodiscard]] virtual const DurableState& initial() const = 0;

  /// True if the data dir (or the in-memory store) was new when opened.
  [[nodiscard]] virtual bool created() const = 0;

  /// Applies `batch` atomically (see SyncMode for when it is durable). A batch that breaks a
  /// rule changes nothing and throws: a key that is empty or longer than kMaxKeyBytes, a value
  /// longer than kMaxValueBytes, more than kMaxKnownPeers peers or a peer address that is not in
  /// Address's documented form (an IPv4 one with bytes past its four) throw
  /// Error(invalid_argument);
  /// an incarnation below the current one throws std::logic_error (a caller bug). If the write
  /// itself fails it throws Error(io) and nothing of the batch is stored.
  virtual void commit(const Batch& batch) = 0;

  /// Makes every earlier commit durable (per_batch); a no-op in per_commit mode. Throws
  /// Error(io) if the write fails; the queued batches then stay queued for another sync().
  virtual void sync() = 0;
};

/// Where and how open_lmdb keeps the state.
struct StorageOptions {
  /// The data directory, created if absent. Holds convoy.lock, data.mdb and data.mdb-lock.
  std::string data_dir{};
  SyncMode sync = SyncMode::per_commit;
  /// Initial size of LMDB's memory map: the most data.mdb may hold before the map is grown
  /// (doubled, transparently, when a commit needs more, up to 1 TiB). Address space only: the
  /// file grows with the data. Must be at least 64 KiB.
  std::size_t map_size = std::size_t{1} << 30;
};

/// Opens the data dir named by `options`, creating it if it is absent or empty; `fresh_id` is the
/// id written into a new data dir and is ignored otherwise. Holds the dir exclusively until the
/// Storage is destroyed. Throws Error with a one-line message naming the path and what to do:
/// data_dir_locked (another process or Storage holds it), data_dir_foreign (it holds files that
/// are not Convoy's), data_dir_newer (written by a newer format), data_dir_damaged (unreadable or
/// inconsistent), io (cannot create or read it), invalid_config (bad options), invalid_argument
/// (nil fresh_id).
[[nodiscard]] std::unique_ptr<Storage> open_lmdb(const StorageOptions& options,
                                                 const MemberId& fresh_id);

/// A new in-memory store for member `id`, with the same rules as open_lmdb's; nothing touches the
/// disk, so sync() has nothing to do and created() is true.
[[nodiscard]] std::unique_ptr<Storage> open_memory(const MemberId& id);

}  // namespace convoy::storage
