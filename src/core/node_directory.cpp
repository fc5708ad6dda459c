// Node, read side: the directory (the merged view of active members and their stores) and its
// subscriptions. Dead, left and evicted members are not part of the active view: their data is
// neither listed nor searched, though it is kept until they are reaped in case they come back.
#include "core/node.hpp"

#include <algorithm>

namespace convoy::core {

std::vector<MemberView> Node::all() const {
  std::vector<MemberView> out;
  if (is_active(self_.status))
    out.push_back(MemberView{self_.id, self_.incarnation, self_.status, self_.address});
  for (std::uint32_t s = 0; s < members_.capacity(); ++s) {
    if (!members_.occupied(s)) continue;
    const MemberRecord& r = members_.at(s);
    if (is_active(r.status)) out.push_back(MemberView{r.id, r.incarnation, r.status, r.address});
  }
  return out;
}

std::optional<Item> Node::value(const MemberId& id, std::string_view key) const {
  if (id != self_.id) {
    const std::uint32_t slot = members_.find(id);
    if (slot == MemberTable::kNoSlot || !is_active(members_.at(slot).status)) return std::nullopt;
  }
  const StoreReplica* r = replica(id);
  if (r == nullptr) return std::nullopt;
  const wire::StoreItem* item = r->find(key);
  if (item == nullptr || item->deleted) return std::nullopt;
  return to_item(*item);
}

std::vector<DirectoryEntry> Node::search(
    const std::function<bool(const MemberId&, std::string_view, std::string_view)>& pred) const {
  std::vector<DirectoryEntry> out;
  auto scan = [&](const MemberId& id, const StoreReplica& r) {
    r.for_each([&](const wire::StoreItem& item) {
      if (pred(id, item.key, item.value))
        out.push_back(DirectoryEntry{id, item.key, to_item(item)});
    });
  };
  if (is_active(self_.status)) scan(self_.id, own_store_);
  for (std::uint32_t s = 0; s < replicas_.size(); ++s)
    if (replicas_[s] && is_active(members_.at(s).status)) scan(members_.at(s).id, *replicas_[s]);
  return out;
}

std::vector<DirectoryEntry> Node::find_by_key(std::string_view key) const {
  std::vector<DirectoryEntry> out;
  auto probe = [&](const MemberId& id, const StoreReplica& r) {
    const wire::StoreItem* item = r.find(key);  // a map lookup per store, not a scan
    if (item != nullptr && !item->deleted)
      out.push_back(DirectoryEntry{id, item->key, to_item(*item)});
  };
  if (is_active(self_.status)) probe(self_.id, own_store_);
  for (std::uint32_t s = 0; s < replicas_.size(); ++s)
    if (replicas_[s] && is_active(members_.at(s).status)) probe(members_.at(s).id, *replicas_[s]);
  return out;
}

std::vector<DirectoryEntry> Node::find_by_value(std::string_view value) const {
  return search([&](const MemberId&, std::string_view, std::string_view v) { return v == value; });
}

std::shared_ptr<Subscription> Node::subscribe(SubscriptionFilter filter, std::size_t capacity) {
  auto sub = std::make_shared<Subscription>(std::move(filter), capacity);
  subscriptions_.push_back(sub);
  return sub;
}

void Node::publish(const DirectoryEvent& event) {
  bool expired = false;
  for (const auto& weak : subscriptions_) {
    if (auto sub = weak.lock())
      sub->offer(event);
    else
      expired = true;
  }
  if (expired)
    std::erase_if(subscriptions_, [](const std::weak_ptr<Subscription>& w) { return w.expired(); });
}

void Node::publish_member(DirectoryEvent::Kind kind, const MemberId& id,
                          std::uint64_t incarnation) {
  DirectoryEvent e;
  e.kind = kind;
  e.member = id;
  e.incarnation = incarnation;
  publish(e);
}

}  // namespace convoy::core
