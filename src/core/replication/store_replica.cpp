// StoreReplica: the owner's compare-and-set writes, and the merge rules that let rumour deltas,
// range transfers and complete snapshots arrive in any order, any number of times, and still
// leave every replica with the owner's items and an exact watermark.
#include "core/replication/store_replica.hpp"

#include "core/replication/store_epoch.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

namespace convoy::core {
namespace {

constexpr std::string_view kReservedPrefix = "convoy.";

/// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no
/// truncated sequences. Keys are compared and hashed as bytes, so two spellings of one code
/// point must not both be accepted.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    char32_t code = 0;
    char32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {  // C0 and C1 could only start overlong forms
      extra = 1;
      code = lead & 0x1FU;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      code = lead & 0x0FU;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {  // F5 and above start code points > U+10FFFF
      extra = 3;
      code = lead & 0x07U;
      min = 0x10000;
    } else {
      return false;  // a stray continuation byte or an impossible lead byte
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return false;
      code = (code << 6) | (next & 0x3FU);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) {  // FNV-1a, then mixed
  std::uint64_t h = 0xCBF29CE484222325ULL ^ mix64(seed);
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return mix64(h ^ bytes.size());
}

/// A key that vanished without a tombstone of its own (epoch reset, complete-snapshot drop) is
/// reported as a tombstone of version 0: subscribers see the deletion, and the item is no real
/// write, so it must not be re-gossiped (receivers would ignore version 0 anyway).
wire::StoreItem removal(const std::string& key) {
  return wire::StoreItem{.key = key, .value = {}, .version = 0, .deleted = true};
}

/// Reports every live item of `items` as removed; used before the whole map is dropped.
template <typename Map>
void report_live_removals(const Map& items, const StoreReplica::ChangeSink& sink) {
  if (!sink) return;
  for (const auto& [key, held] : items) {
    if (!held.item.deleted) sink(StoreReplica::Change{key, removal(key)});
  }
}

}  // namespace

// O(1): every held item's version was marked seen (or made the watermark) before it was stored,
// so no item is above the largest version seen.
std::uint64_t StoreReplica::max_seen() const {
  return seen_above_.empty() ? version_ : std::max(version_, *seen_above_.rbegin());
}

const wire::StoreItem* StoreReplica::find(std::string_view key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : &it->second.item;
}

void StoreReplica::for_each(const std::function<void(const wire::StoreItem&)>& visit) const {
  for (const auto& [key, held] : items_) {
    if (!held.item.deleted) visit(held.item);
  }
}

void StoreReplica::for_each_held(const std::function<void(const wire::StoreItem&)>& visit) const {
  for (const auto& [key, held] : items_) visit(held.item);
}

std::size_t StoreReplica::live_count() const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [](const auto& entry) { return !entry.second.item.deleted; }));
}

std::optional<std::string> StoreReplica::invalid(std::string_view key, std::string_view value,
                                                 const StoreLimits& limits, KeySpace space) {
  if (key.empty()) return "key is empty";
  if (key.size() > limits.max_key) {
    return "key is " + std::to_string(key.size()) + " bytes; the limit is " +
           std::to_string(limits.max_key);
  }
  if (!valid_utf8(key)) return "key is not valid UTF-8";
  if (space == KeySpace::user && key.starts_with(kReservedPrefix)) {
    return "keys starting with \"convoy.\" are reserved for the system";
  }
  // Never truncated: a shortened value would replicate as if the caller had written it.
  if (value.size() > limits.max_value) {
    return "value is " + std::to_string(value.size()) + " bytes; the limit is " +
           std::to_string(limits.max_value);
  }
  return std::nullopt;
}

WriteResult StoreReplica::put(std::string_view key, std::string_view value, Expectation expected,
                              TimePoint now, const StoreLimits& limits, KeySpace space) {
  return write(Op::put, key, value, expected, now, limits, space);
}

WriteResult StoreReplica::erase(std::string_view key, Expectation expected, TimePoint now,
                                const StoreLimits& limits, KeySpace space) {
  return write(Op::erase, key, {}, expected, now, limits, space);
}

// Erasing a key that holds nothing (never written, or its tombstone collected) with expected 0,
// or a key that is already a tombstone with expected == its version, is `done` without a new
// version: there is nothing to replicate. The result item is then {version 0 or the tombstone's
// version, deleted true}.
WriteResult StoreReplica::write(Op op, std::string_view key, std::string_view value,
                                Expectation expected, TimePoint now, const StoreLimits& limits,
                                KeySpace space) {
  const bool erase = op == Op::erase;
  if (auto why = invalid(key, value, limits, space)) {
    return WriteResult{.status = WriteStatus::failed, .item = {}, .error = std::move(*why)};
  }
  auto it = items_.find(key);
  const std::uint64_t current = it == items_.end() ? 0 : it->second.item.version;
  // Versions restart with every life of a store: an expectation read from another life cannot
  // be checked against this one, so it conflicts whatever its number.
  const bool other_life = expected.epoch != 0 && epoch_nonce(expected.epoch) != epoch_nonce(epoch_);
  if (expected.version != current || other_life) {
    return WriteResult{
        .status = WriteStatus::conflict,
        .item = it == items_.end() ? Item{{}, 0, false, epoch_} : to_item(it->second.item, epoch_),
        .error = {}};
  }
  if (erase && (it == items_.end() || it->second.item.deleted)) {
    return WriteResult{
        .status = WriteStatus::done, .item = Item{{}, current, true, epoch_}, .error = {}};
  }
  // max_seen, not version: the owner's copy is always contiguous so they agree, but a version
  // must never be handed out twice even if that ever stopped holding.
  const std::uint64_t next = max_seen() + 1;
  wire::StoreItem item{
      .key = std::string(key), .value = std::string(value), .version = next, .deleted = erase};
  // The owner's copy is contiguous: every version up to the watermark was handed out here.
  assert(seen_above_.empty() || *seen_above_.begin() > version_ + 1);
  version_ = next;
  seen_above_.clear();
  Item result = to_item(item, epoch_);
  store(item, now, {});
  return WriteResult{.status = WriteStatus::done, .item = std::move(result), .error = {}};
}

bool StoreReplica::apply(std::uint64_t epoch, const wire::StoreItem& item, TimePoint now,
                         const ChangeSink& sink) {
  if (epoch < epoch_) return false;  // a store the owner has abandoned
  bool changed = false;
  if (epoch > epoch_) {
    changed = !items_.empty();
    report_live_removals(items_, sink);
    reset(epoch);
  }
  mark_seen(item.version);
  return store(item, now, sink) || changed;
}

bool StoreReplica::apply(const wire::StoreSnapshot& snapshot, TimePoint now,
                         const ChangeSink& sink) {
  if (snapshot.epoch < epoch_) return false;
  bool changed = false;
  if (snapshot.epoch > epoch_) {
    changed = !items_.empty();
    report_live_removals(items_, sink);
    reset(snapshot.epoch);
  }
  // Listed items first: raising gc_version_ below would make absent keys refuse them.
  for (const auto& item : snapshot.items) {
    mark_seen(item.version);
    changed = store(item, now, sink) || changed;
  }
  if (snapshot.complete) {
    // The sender reflects every write ≤ snapshot.version, so a key it does not list whose held
    // version is ≤ that was deleted there and its tombstone collected.
    std::set<std::string_view, std::less<>> listed;
    for (const auto& item : snapshot.items) listed.insert(item.key);
    for (auto it = items_.begin(); it != items_.end();) {
      if (it->second.item.version <= snapshot.version && !listed.contains(it->first)) {
        if (sink && !it->second.item.deleted) sink(Change{it->first, removal(it->first)});
        it = items_.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    // Those deletions left no tombstone here: stale deltas ≤ snapshot.version for absent keys
    // must be refused, and peers behind it need a complete snapshot from us too.
    gc_version_ = std::max(gc_version_, snapshot.version);
  }
  if (snapshot.complete || snapshot.since <= version_) {
    if (snapshot.version > version_) {
      version_ = snapshot.version;
      seen_above_.erase(seen_above_.begin(), seen_above_.upper_bound(version_));
    }
    mark_seen(0);  // absorbs seen versions now contiguous with the raised watermark
  }
  return changed;
}

wire::StoreSnapshot StoreReplica::snapshot_since(const MemberId& owner, std::uint64_t epoch,
                                                 std::uint64_t since) const {
  wire::StoreSnapshot snapshot{.owner = owner,
                               .epoch = epoch_,
                               .version = version_,
                               .since = since,
                               .complete = false,
                               .items = {}};
  // A collected tombstone above `since` would be missing from a range, and the receiver would
  // keep the deleted key: only a complete snapshot (which drops unlisted keys) says so.
  if (epoch != epoch_ || since < gc_version_) {
    snapshot.complete = true;
    snapshot.since = 0;
  }
  for (const auto& [key, held] : items_) {
    if (snapshot.complete || held.item.version > since) snapshot.items.push_back(held.item);
  }
  std::sort(
      snapshot.items.begin(), snapshot.items.end(),
      [](const wire::StoreItem& a, const wire::StoreItem& b) { return a.version < b.version; });
  return snapshot;
}

// Only tombstones at or below the watermark are collected. A tombstone above it sits next to a
// gap, and gc_version_ would then rise above versions not yet received: a live item of another
// key in that gap would be refused as "at or below gc_version()" by every delta and range
// transfer, and lost for good. Below the watermark every such write has already been applied.
std::vector<std::string> StoreReplica::collect(TimePoint cutoff) {
  std::vector<std::string> collected;
  for (auto it = items_.begin(); it != items_.end();) {
    const Held& held = it->second;
    if (held.item.deleted && held.deleted_at <= cutoff && held.item.version <= version_) {
      gc_version_ = std::max(gc_version_, held.item.version);
      collected.push_back(it->first);
      it = items_.erase(it);
    } else {
      ++it;
    }
  }
  return collected;
}

void StoreReplica::restore(std::uint64_t version, std::uint64_t gc_version,
                           const std::vector<wire::StoreItem>& items, TimePoint now) {
  items_.clear();
  seen_above_.clear();
  version_ = version;
  gc_version_ = gc_version;
  for (const wire::StoreItem& item : items) {
    assert(item.version <= version_);
    Held& held = items_[item.key];
    held.item = item;
    held.deleted_at = item.deleted ? now : TimePoint{};
  }
}

std::uint64_t StoreReplica::content_hash() const {
  // A sum of per-item hashes does not depend on the order items were applied or are visited.
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  for (const auto& [key, held] : items_) {
    if (held.item.deleted) continue;
    std::uint64_t h = hash_bytes(key, 1);
    h = mix64(h ^ hash_bytes(held.item.value, 2));
    h = mix64(h ^ held.item.version);
    sum += h;
    ++count;
  }
  return mix64(sum + mix64(count));
}

void StoreReplica::rebase(std::uint64_t epoch) {
  assert(epoch > epoch_);
  epoch_ = epoch;
}

void StoreReplica::reset(std::uint64_t epoch) {
  epoch_ = epoch;
  version_ = 0;
  gc_version_ = 0;
  seen_above_.clear();
  items_.clear();
}

void StoreReplica::mark_seen(std::uint64_t version) {
  if (version > version_) seen_above_.insert(version);
  while (!seen_above_.empty() && *seen_above_.begin() <= version_ + 1) {
    version_ = std::max(version_, *seen_above_.begin());
    seen_above_.erase(seen_above_.begin());
  }
  // The watermark is exact: whatever is remembered above it leaves a gap just above it.
  assert(seen_above_.empty() || *seen_above_.begin() > version_ + 1);
}

bool StoreReplica::store(const wire::StoreItem& item, TimePoint now, const ChangeSink& sink) {
  auto it = items_.find(item.key);
  if (it == items_.end()) {
    // Absent at or below gc_version(): a tombstone that beat it may have been collected here.
    if (item.version <= gc_version_) return false;
    it = items_.emplace(item.key, Held{}).first;
  } else if (it->second.item.version >= item.version) {
    return false;  // same or older news
  }
  Held& held = it->second;
  held.item = item;
  if (item.deleted) held.item.value.clear();  // tombstones carry no value
  held.deleted_at = item.deleted ? now : TimePoint{};
  if (sink) sink(Change{held.item.key, held.item});
  return true;
}

}  // namespace convoy::core
