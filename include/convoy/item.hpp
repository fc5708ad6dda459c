// Item and WriteResult: what a member's key/value store holds and what a compare-and-set write
// answers. A conflict is a normal result, not an error: it carries the current item so the
// caller can retry against it.
#pragma once

#include <cstdint>
#include <string>

namespace convoy {

/// One value of a member's store. `version` is the owner's store version at the write that
/// produced it; a key never written reads as version 0. A deleted key is a tombstone kept for a
/// grace period so deletions replicate; reads treat it as absent.
struct Item {
  std::string value;
  std::uint64_t version = 0;
  bool deleted = false;

  friend bool operator==(const Item&, const Item&) = default;
};

enum class WriteStatus : std::uint8_t {
  done,      ///< applied; `item` is the new state
  conflict,  ///< expected version did not match; `item` is the current state
  failed,    ///< not applied: `error` says why (bad key, value too large, owner unknown, dead,
             ///< or no answer in time)
};

struct WriteResult {
  WriteStatus status = WriteStatus::failed;
  Item item;
  std::string error;
};

}  // namespace convoy
