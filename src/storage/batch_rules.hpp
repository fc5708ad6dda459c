// Batch rules: what both Storage implementations refuse, and the part of a batch they apply the
// same way. Kept in one place so the LMDB and memory stores cannot drift apart on what a batch is
// allowed to be (the property test compares them, but only on batches it thinks of).
#pragma once

#include "storage/storage.hpp"

#include <cstdint>

namespace convoy::storage {

/// True if `address` is one Address documents: a known family, and for IPv4 zeros after the
/// first 4 bytes of `ip`. Only such addresses are stored (the peer record relies on it).
[[nodiscard]] bool is_canonical(const Address& address);

/// Throws if `batch` breaks a rule of Storage::commit: Error(invalid_argument) for a bad key,
/// value or peer list, std::logic_error for an incarnation below `current_incarnation`. Called
/// before anything is written, so a refused batch changes nothing.
void check_batch(const Batch& batch, std::uint64_t current_incarnation);

/// Sets in `state` the counters that `batch` sets; leaves the rest alone.
void apply_counters(const Batch& batch, DurableState& state);

/// True if `batch` sets any of the counters (which live in one record on disk).
[[nodiscard]] bool sets_counters(const Batch& batch);

}  // namespace convoy::storage
