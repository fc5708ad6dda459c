// StoreNews: handle bookkeeping around a BroadcastQueue of store keys (see store_news.hpp).
#include "core/dissemination/store_news.hpp"

namespace convoy::core {

void StoreNews::enqueue(MemberKey owner, const std::string& key) {
  auto [it, inserted] = handles_.try_emplace({owner, key}, 0);
  if (inserted) {
    std::uint32_t handle;
    if (!free_refs_.empty()) {
      handle = free_refs_.back();
      free_refs_.pop_back();
    } else {
      handle = static_cast<std::uint32_t>(refs_.size());
      refs_.emplace_back();
    }
    refs_[handle] = ItemRef{owner, key};
    it->second = handle;
  }
  queue_.push(it->second);
}

void StoreNews::forget_owner(MemberKey owner) {
  auto it = handles_.lower_bound({owner, std::string()});
  while (it != handles_.end() && it->first.first == owner) {
    queue_.remove(it->second);
    refs_[it->second] = ItemRef{};
    free_refs_.push_back(it->second);
    it = handles_.erase(it);
  }
}

void StoreNews::add_sends(MemberKey owner, const std::string& key, std::uint32_t n,
                          std::uint32_t limit) {
  auto it = handles_.find({owner, key});
  if (it == handles_.end()) return;
  if (queue_.add_sends(it->second, n, limit)) release(it->second);
}

void StoreNews::release(std::uint32_t handle) {
  ItemRef& ref = refs_[handle];
  handles_.erase({ref.owner, ref.key});
  ref = ItemRef{};
  free_refs_.push_back(handle);
}

std::size_t StoreNews::fill(wire::Packer& packer, std::uint32_t limit, std::size_t budget,
                            const Resolve& resolve, std::vector<wire::StoreDelta>& oversized) {
  visited_.clear();
  std::size_t sent = 0;
  queue_.select(
      limit,
      [&](std::uint32_t handle) {
        const ItemRef& ref = refs_[handle];
        visited_.push_back(handle);
        std::optional<wire::StoreDelta> delta = resolve(ref.owner, ref.key);
        if (!delta) return BroadcastQueue::Verdict::drop;  // collected meanwhile
        if (packer.try_add(*delta)) {
          ++sent;
          return BroadcastQueue::Verdict::taken;
        }
        if (wire::encoded_size(*delta) + wire::kEnvelopeHeaderSize + 32 > budget) {
          ++sent;
          oversized.push_back(std::move(*delta));
          return BroadcastQueue::Verdict::taken;
        }
        visited_.pop_back();
        return BroadcastQueue::Verdict::full;
      },
      [&](std::uint32_t handle) { visited_.push_back(handle); });
  // Entries that left the queue (sent their last time, or dropped) release their handles.
  for (std::uint32_t handle : visited_)
    if (!queue_.queued(handle)) release(handle);
  return sent;
}

}  // namespace convoy::core
