// MemoryStorage: see memory_storage.hpp.
#include "storage/memory_storage.hpp"

#include "storage/batch_rules.hpp"

#include <convoy/error.hpp>

#include <utility>

namespace convoy::storage {

MemoryStorage::MemoryStorage(const MemberId& id) : created_(true) {
  if (id.is_nil()) throw Error(ErrorCode::invalid_argument, "storage: the member id is nil");
  initial_.id = id;
  header_.id = id;
}

MemoryStorage::MemoryStorage(DurableState saved) : created_(false) {
  for (auto& item : saved.items) items_.insert_or_assign(item.key, std::move(item));
  saved.items.clear();
  header_ = std::move(saved);
  initial_ = current();
}

void MemoryStorage::commit(const Batch& batch) {
  check_batch(batch, header_.incarnation);
  // Nothing below can fail except allocation, which leaves a store the caller must abandon
  // anyway, as an LMDB commit's failure would.
  apply_counters(batch, header_);
  if (batch.known_peers) header_.known_peers = *batch.known_peers;
  if (batch.replace_items) items_.clear();
  for (const auto& key : batch.erase_keys) items_.erase(key);
  for (const auto& item : batch.put_items) items_.insert_or_assign(item.key, item);
}

DurableState MemoryStorage::current() const {
  DurableState state = header_;
  state.items.reserve(items_.size());
  for (const auto& entry : items_) state.items.push_back(entry.second);
  return state;
}

std::unique_ptr<Storage> open_memory(const MemberId& id) {
  return std::make_unique<MemoryStorage>(id);
}

}  // namespace convoy::storage
