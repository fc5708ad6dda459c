// Item, Expectation and WriteResult: what a member's key/value store holds, what a
// compare-and-set expects to find, and what a write answers. A conflict is a normal result, not
// an error: it carries the current item so the caller can retry against it.
#pragma once

#include <cstdint>
#include <string>

namespace convoy {

/// One value of a member's store. `version` is the owner's store version at the write that
/// produced it; a key never written reads as version 0. Versions count within a store `epoch`:
/// a member whose store restarted from nothing starts a new epoch, and its versions start over.
/// A deleted key is a tombstone kept for a grace period so deletions replicate; reads treat it
/// as absent.
struct Item {
  std::string value;
  std::uint64_t version = 0;
  bool deleted = false;
  std::uint64_t epoch = 0;

  friend bool operator==(const Item&, const Item&) = default;
};

/// What a compare-and-set expects of the key it writes: its current version (0 for a key that
/// holds nothing), and optionally the store epoch that version belongs to, so that a version
/// read before the owner's store restarted from nothing cannot match an unrelated item of its
/// new life.
struct Expectation {
  /// A bare version converts: put(key, value, 3) expects version 3 in any epoch.
  constexpr Expectation(std::uint64_t expected_version = 0,  // NOLINT(google-explicit-constructor)
                        std::uint64_t expected_epoch = 0)
      : version(expected_version), epoch(expected_epoch) {}

  std::uint64_t version = 0;
  /// 0: any epoch (the caller never read the item).
  std::uint64_t epoch = 0;

  /// The key must still be exactly `item` as the caller read it.
  [[nodiscard]] static Expectation of(const Item& item) { return {item.version, item.epoch}; }
  /// The key must hold nothing.
  [[nodiscard]] static Expectation absent() { return {}; }

  friend bool operator==(const Expectation&, const Expectation&) = default;
};

enum class WriteStatus : std::uint8_t {
  done,      ///< applied; `item` is the new state
  conflict,  ///< the expectation did not hold; `item` is the current state
  failed,    ///< not applied: `error` says why (bad key, value too large, owner unknown or down)
  unknown,   ///< no answer in time: the owner may or may not have applied it (read, then retry
             ///< with an expectation)
};

struct WriteResult {
  WriteStatus status = WriteStatus::failed;
  Item item;
  std::string error;
};

/// "done", "conflict", "failed" or "unknown".
[[nodiscard]] constexpr const char* to_string(WriteStatus status) {
  switch (status) {
    case WriteStatus::done:
      return "done";
    case WriteStatus::conflict:
      return "conflict";
    case WriteStatus::failed:
      return "failed";
    case WriteStatus::unknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace convoy
