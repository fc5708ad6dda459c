// Directory: the read model — the merged view of active members and their stores that programs
// query. Dead, left and evicted members are not part of it: their data is neither listed nor
// searched, though the engine keeps it until they are reaped in case they come back. Reads only;
// changes reach subscribers through Subscribers.
#pragma once

#include "core/membership/membership.hpp"
#include "core/replication/replication.hpp"

#include <convoy/directory_entry.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace convoy::core {

/// pred(member, key, value) for Directory::search.
using ItemPredicate = std::function<bool(const MemberId&, std::string_view, std::string_view)>;

class Directory {
 public:
  Directory(const Membership& membership, const Replication& replication)
      : membership_(membership), replication_(replication) {}

  /// Active (alive and suspect) members, this member included.
  [[nodiscard]] std::vector<Member> all() const { return membership_.all(); }
  /// Our view of `id`, whatever its status (this member included); nullopt if unknown.
  [[nodiscard]] std::optional<Member> member(const MemberId& id) const {
    return membership_.member(id);
  }
  /// The live value of `key` in the store of active member `id`; nullopt if absent or deleted.
  [[nodiscard]] std::optional<Item> value(const MemberId& id, std::string_view key) const;
  /// Every live item of active member `id`'s store, in key order.
  [[nodiscard]] std::vector<DirectoryEntry> items(const MemberId& id) const;
  /// Active members whose store holds `key` (live).
  [[nodiscard]] std::vector<DirectoryEntry> find_by_key(std::string_view key) const;
  /// (member, key) pairs of active members whose live value equals `value`.
  [[nodiscard]] std::vector<DirectoryEntry> find_by_value(std::string_view value) const;
  /// Every live item of every active member for which pred(member, key, value) holds.
  [[nodiscard]] std::vector<DirectoryEntry> search(const ItemPredicate& pred) const;

 private:
  /// Calls visit(id, replica) for every active member holding a replica, ourselves first.
  template <class Visit>
  void for_each_store(Visit&& visit) const;

  const Membership& membership_;
  const Replication& replication_;
};

}  // namespace convoy::core
