// Directory: queries over the active members' stores (see directory.hpp).
#include "core/directory/directory.hpp"

namespace convoy::core {

template <class Visit>
void Directory::for_each_store(Visit&& visit) const {
  if (is_active(membership_.self().status)) visit(membership_.self().id, replication_.own_store());
  for (std::uint32_t s = 0; s < membership_.table().capacity(); ++s) {
    if (!membership_.active(s)) continue;
    if (const StoreReplica* r = replication_.replica_of_slot(s)) visit(membership_.at(s).id, *r);
  }
}

std::optional<Item> Directory::value(const MemberId& id, std::string_view key) const {
  if (id != membership_.self().id) {
    const std::uint32_t slot = membership_.find(id);
    if (slot == MemberTable::kNoSlot || !membership_.active(slot)) return std::nullopt;
  }
  const StoreReplica* r = replication_.replica(id);
  if (r == nullptr) return std::nullopt;
  const wire::StoreItem* item = r->find(key);
  if (item == nullptr || item->deleted) return std::nullopt;
  return to_item(*item, r->epoch());
}

std::vector<DirectoryEntry> Directory::items(const MemberId& id) const {
  std::vector<DirectoryEntry> out;
  if (id != membership_.self().id) {
    const std::uint32_t slot = membership_.find(id);
    if (slot == MemberTable::kNoSlot || !membership_.active(slot)) return out;
  }
  if (const StoreReplica* r = replication_.replica(id))
    r->for_each([&](const wire::StoreItem& item) {
      out.push_back(DirectoryEntry{id, item.key, to_item(item, r->epoch())});
    });
  return out;
}

std::vector<DirectoryEntry> Directory::search(const ItemPredicate& pred) const {
  std::vector<DirectoryEntry> out;
  for_each_store([&](const MemberId& id, const StoreReplica& r) {
    r.for_each([&](const wire::StoreItem& item) {
      if (pred(id, item.key, item.value))
        out.push_back(DirectoryEntry{id, item.key, to_item(item, r.epoch())});
    });
  });
  return out;
}

std::vector<DirectoryEntry> Directory::find_by_key(std::string_view key) const {
  std::vector<DirectoryEntry> out;
  for_each_store([&](const MemberId& id, const StoreReplica& r) {
    const wire::StoreItem* item = r.find(key);  // a map lookup per store, not a scan
    if (item != nullptr && !item->deleted)
      out.push_back(DirectoryEntry{id, item->key, to_item(*item, r.epoch())});
  });
  return out;
}

std::vector<DirectoryEntry> Directory::find_by_value(std::string_view value) const {
  return search([&](const MemberId&, std::string_view, std::string_view v) { return v == value; });
}

}  // namespace convoy::core
