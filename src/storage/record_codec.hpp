// Record codec: the bytes of Convoy's records inside data.mdb. Written by hand, not by protobuf,
// so the storage layer depends on nothing but the public types, and so that every byte a reader
// accepts is one this file decided to accept: a record that is short, long, has unknown flag bits
// or fails its checksum is damage, never a silently different state.
//
// data.mdb holds two LMDB databases:
//   "meta"   key "meta"  -> meta record (id and counters)
//            key "peers" -> peers record
//   "items"  key = item key (1..256 bytes) -> item record
//
// All integers little-endian. CRC is CRC-32C (Castagnoli). Format version 1:
//
//   meta record, 64 bytes
//     0   8  magic "CONVOYMD"
//     8   4  format version (u32) = 1
//    12   8  member id, hi half (u64)
//    20   8  member id, lo half (u64)
//    28   8  incarnation (u64)
//    36   8  store epoch (u64)
//    44   8  store version (u64)
//    52   8  gc version (u64)
//    60   4  CRC of bytes 0..59
//
//   item record, 13 + n bytes (the key is the LMDB key)
//     0   8  version (u64)
//     8   1  flags: bit 0 = deleted (tombstone); the other bits are 0
//     9   n  value
//   9+n   4  CRC of the key's bytes followed by bytes 0..8+n (so a record moved to another key
//            fails its check too)
//
//   peers record, 8 + 19 × count bytes
//     0   4  count (u32), at most 1024
//     4  19  per peer: family (u8: 4 or 6), ip (16 bytes; IPv4 uses the first 4, the rest are 0),
//            port (u16)
//   4+19c 4  CRC of bytes 0..3+19c
//
// Compatibility rule, for every future version: the "meta" database and its "meta" key stay, and
// the record starts with the magic and the format version, so any reader can tell "not Convoy's"
// (magic) and "newer than me" (version) before it interprets anything else. A newer version may
// change every other byte of the file.
#pragma once

#include "storage/storage.hpp"

#include <convoy/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace convoy::storage::records {

/// The format this code writes, and the newest it reads.
inline constexpr std::uint32_t kFormatVersion = 1;

inline constexpr const char* kMetaDb = "meta";
inline constexpr const char* kItemsDb = "items";
inline constexpr std::string_view kMetaKey = "meta";
inline constexpr std::string_view kPeersKey = "peers";

/// The content of the meta record.
struct Meta {
  MemberId id;
  std::uint64_t incarnation = 0;
  std::uint64_t store_epoch = 0;
  std::uint64_t store_version = 0;
  std::uint64_t gc_version = 0;

  friend bool operator==(const Meta&, const Meta&) = default;
};

/// Why a record did not decode: data_dir_foreign (not Convoy's magic), data_dir_newer (a format
/// version above kFormatVersion) or data_dir_damaged, and a phrase saying what is wrong.
struct DecodeFailure {
  ErrorCode code = ErrorCode::data_dir_damaged;
  std::string reason;
};

template <typename T>
using Decoded = std::variant<T, DecodeFailure>;

[[nodiscard]] std::string encode_meta(const Meta& meta);
[[nodiscard]] Decoded<Meta> decode_meta(std::string_view bytes);

/// Encodes `item`'s version, flag and value (its key goes into the checksum, not the record).
[[nodiscard]] std::string encode_item(const StoredItem& item);
[[nodiscard]] Decoded<StoredItem> decode_item(std::string_view key, std::string_view bytes);

/// `peers` must hold at most kMaxKnownPeers addresses for which is_canonical() is true.
[[nodiscard]] std::string encode_peers(const std::vector<Address>& peers);
[[nodiscard]] Decoded<std::vector<Address>> decode_peers(std::string_view bytes);

/// CRC-32C of `bytes`, continuing from `crc` (0 to start).
[[nodiscard]] std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc = 0);

}  // namespace convoy::storage::records
