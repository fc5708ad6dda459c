// DurableState: what a member must not forget across a restart, as the engine hands it to its
// driver. A restart must never reuse an incarnation or a store version the cluster has already
// seen, and must never lose an acknowledged write; so the engine reports every change to these
// through Environment::make_durable(), from inside the handler that makes it, and the driver
// commits it before anything sent by that handler leaves the machine. RestoredState is the same
// facts read back at start.
#pragma once

#include "wire/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace convoy::core {

/// One change to commit. Fields left empty are unchanged.
struct DurableChange {
  std::optional<std::uint64_t> incarnation;
  std::optional<std::uint64_t> store_epoch;
  std::optional<std::uint64_t> store_version;  ///< the own store's watermark
  std::optional<std::uint64_t> gc_version;     ///< highest version of a collected tombstone
  std::vector<wire::StoreItem> put_items;      ///< items (tombstones included) to keep
  std::vector<std::string> erase_keys;         ///< collected tombstones to forget
};

/// A member's durable state, read back at start.
struct RestoredState {
  /// The incarnation to start with: above any the previous life used (the driver adds one to
  /// what it read, and commits that before the engine starts).
  std::uint64_t incarnation = 0;
  /// The own store; epoch 0 means there is none (a new member).
  std::uint64_t store_epoch = 0;
  std::uint64_t store_version = 0;
  std::uint64_t gc_version = 0;
  std::vector<wire::StoreItem> items;
};

}  // namespace convoy::core
