// DirectoryEntry: one match of a directory query: which member's store holds which key, and the
// item there.
#pragma once

#include <convoy/item.hpp>
#include <convoy/member_id.hpp>

#include <string>

namespace convoy {

struct DirectoryEntry {
  MemberId member;
  std::string key;
  Item item;

  friend bool operator==(const DirectoryEntry&, const DirectoryEntry&) = default;
};

}  // namespace convoy
