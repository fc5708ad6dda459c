// MemoryStorage: a Storage that keeps everything in memory, with the same rules as LmdbStorage
// (batch_rules.hpp). The simulator runs thousands of members and restarts them without touching a
// disk; tests compare it with LmdbStorage batch for batch. "Reopening" is constructing a new one
// from current(): what a restart with an intact disk would read.
#pragma once

#include "storage/storage.hpp"

#include <map>
#include <string>

namespace convoy::storage {

class MemoryStorage final : public Storage {
 public:
  /// A new, empty store for member `id` (created() is true).
  explicit MemoryStorage(const MemberId& id);
  /// A store that starts from `saved`, as if opened on a data dir that held it (created() is
  /// false). `saved.items` need not be sorted; a later item of the same key wins.
  explicit MemoryStorage(DurableState saved);

  [[nodiscard]] const DurableState& initial() const override { return initial_; }
  [[nodiscard]] bool created() const override { return created_; }
  void commit(const Batch& batch) override;
  void sync() override {}

  /// The state after every commit so far: what a reopen would return.
  [[nodiscard]] DurableState current() const;

 private:
  DurableState initial_;
  bool created_;
  DurableState header_;  // the id, counters and peers as of the last commit; no items
  std::map<std::string, StoredItem> items_;
};

}  // namespace convoy::storage
