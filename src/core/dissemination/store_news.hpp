// StoreNews: the rumour queue of store deltas. An entry names a key of one owner's store — not a
// version: when it is packed, the replica's current item for that key goes out, so a newer
// write supersedes a queued older one for free. Entries are named by dense handles (what the
// BroadcastQueue needs) mapped to (owner, key); a handle is released as soon as its entry leaves
// the queue, whichever way it leaves.
#pragma once

#include "core/dissemination/broadcast_queue.hpp"
#include "core/membership/member_key.hpp"
#include "wire/codec.hpp"
#include "wire/message.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace convoy::core {

class StoreNews {
 public:
  /// What a queued (owner, key) is now: the delta to send, or nullopt if the item is gone.
  using Resolve =
      std::function<std::optional<wire::StoreDelta>(MemberKey owner, const std::string& key)>;

  /// Queues `key` of `owner`'s store with zero sends (again, if it was queued).
  void enqueue(MemberKey owner, const std::string& key);
  /// Drops every queued key of `owner` (its replica is gone; the key may soon name another).
  void forget_owner(MemberKey owner);
  /// Counts `n` sends of (owner, key) made by an eager push.
  void add_sends(MemberKey owner, const std::string& key, std::uint32_t n, std::uint32_t limit);

  /// Packs queued deltas into `packer` while they fit, each at most `limit` times. A delta too
  /// large for any datagram of `budget` bytes goes to `oversized` instead (it counts as sent).
  /// Returns how many were packed or diverted.
  std::size_t fill(wire::Packer& packer, std::uint32_t limit, std::size_t budget,
                   const Resolve& resolve, std::vector<wire::StoreDelta>& oversized);

  [[nodiscard]] std::size_t size() const { return queue_.size(); }
  [[nodiscard]] bool empty() const { return queue_.empty(); }
  /// Handles handed out and not released: equals size() unless a handle leaked.
  [[nodiscard]] std::size_t handles_in_use() const { return refs_.size() - free_refs_.size(); }

 private:
  struct ItemRef {
    MemberKey owner = 0;
    std::string key;
  };
  void release(std::uint32_t handle);

  BroadcastQueue queue_;
  std::vector<ItemRef> refs_;
  std::vector<std::uint32_t> free_refs_;
  std::map<std::pair<MemberKey, std::string>, std::uint32_t> handles_;
  std::vector<std::uint32_t> visited_;  // scratch for fill
};

}  // namespace convoy::core
