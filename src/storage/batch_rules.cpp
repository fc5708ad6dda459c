// Batch rules: see batch_rules.hpp.
#include "storage/batch_rules.hpp"

#include <convoy/error.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace convoy::storage {

bool is_canonical(const Address& address) {
  switch (address.family) {
    case Address::Family::v4:
      for (std::size_t i = 4; i < address.ip.size(); ++i) {
        if (address.ip[i] != 0) return false;
      }
      return true;
    case Address::Family::v6:
      return true;
  }
  return false;
}

void check_batch(const Batch& batch, std::uint64_t current_incarnation) {
  if (batch.incarnation && *batch.incarnation < current_incarnation) {
    // A lower incarnation would let this member's old life win over its new one: the caller has
    // lost track of its own state, which no retry can fix.
    throw std::logic_error("storage: incarnation " + std::to_string(*batch.incarnation) +
                           " is below the stored " + std::to_string(current_incarnation));
  }
  const auto check_key = [](const std::string& key) {
    if (key.empty() || key.size() > kMaxKeyBytes) {
      throw Error(ErrorCode::invalid_argument, "storage: a key must be 1 to " +
                                                   std::to_string(kMaxKeyBytes) + " bytes, not " +
                                                   std::to_string(key.size()));
    }
  };
  for (const auto& key : batch.erase_keys) check_key(key);
  for (const auto& item : batch.put_items) {
    check_key(item.key);
    if (item.value.size() > kMaxValueBytes) {
      throw Error(ErrorCode::invalid_argument, "storage: a value may be at most " +
                                                   std::to_string(kMaxValueBytes) + " bytes, not " +
                                                   std::to_string(item.value.size()));
    }
  }
  if (batch.known_peers) {
    if (batch.known_peers->size() > kMaxKnownPeers) {
      throw Error(ErrorCode::invalid_argument,
                  "storage: at most " + std::to_string(kMaxKnownPeers) + " known peers, not " +
                      std::to_string(batch.known_peers->size()));
    }
    // The record stores what Address documents; anything else would not read back as written.
    for (const auto& peer : *batch.known_peers) {
      if (!is_canonical(peer)) {
        throw Error(ErrorCode::invalid_argument,
                    "storage: known peer " + peer.to_string() +
                        " has an unknown family or bytes beyond its IPv4 address");
      }
    }
  }
}

void apply_counters(const Batch& batch, DurableState& state) {
  if (batch.incarnation) state.incarnation = *batch.incarnation;
  if (batch.store_epoch) state.store_epoch = *batch.store_epoch;
  if (batch.store_version) state.store_version = *batch.store_version;
  if (batch.gc_version) state.gc_version = *batch.gc_version;
}

bool sets_counters(const Batch& batch) {
  return batch.incarnation || batch.store_epoch || batch.store_version || batch.gc_version;
}

}  // namespace convoy::storage
