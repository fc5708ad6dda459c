// Record codec: the layouts are drawn in record_codec.hpp. Decoders check lengths before reading
// and the checksum before interpreting, so a damaged record never yields a plausible state.
#include "storage/record_codec.hpp"

#include "storage/batch_rules.hpp"

#include <array>
#include <cstddef>
#include <cstring>
#include <utility>

namespace convoy::storage::records {
namespace {

constexpr std::string_view kMagic = "CONVOYMD";
constexpr std::size_t kMetaSize = 64;
constexpr std::size_t kItemHeader = 9;  // version + flags
constexpr std::size_t kCrcSize = 4;
constexpr std::size_t kPeerSize = 19;  // family + ip + port
constexpr std::uint8_t kDeletedFlag = 0x01;

// The reflected CRC-32C table, built at compile time so there is no start-up step to forget.
constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1U) != 0 ? 0x82F63B78U : 0U);
    table[i] = crc;
  }
  return table;
}
constexpr auto kCrcTable = make_crc_table();

void put_u16(std::string& out, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}

// Callers have checked that `at + N` is within `bytes`.
template <typename T>
T get_le(std::string_view bytes, std::size_t at) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    v |= static_cast<T>(static_cast<T>(static_cast<unsigned char>(bytes[at + i])) << (8 * i));
  }
  return v;
}

DecodeFailure damaged(std::string reason) {
  return DecodeFailure{ErrorCode::data_dir_damaged, std::move(reason)};
}

// True if the last four bytes of `bytes` are the CRC of `prefix` followed by the rest.
bool crc_matches(std::string_view prefix, std::string_view bytes) {
  const auto body = bytes.substr(0, bytes.size() - kCrcSize);
  return get_le<std::uint32_t>(bytes, body.size()) == crc32c(body, crc32c(prefix));
}

void append_crc(std::string_view prefix, std::string& out) {
  put_u32(out, crc32c(out, crc32c(prefix)));
}

}  // namespace

std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc) {
  crc = ~crc;
  for (const char c : bytes) {
    crc = kCrcTable[(crc ^ static_cast<unsigned char>(c)) & 0xFFU] ^ (crc >> 8);
  }
  return ~crc;
}

std::string encode_meta(const Meta& meta) {
  std::string out(kMagic);
  out.reserve(kMetaSize);
  put_u32(out, kFormatVersion);
  put_u64(out, meta.id.hi);
  put_u64(out, meta.id.lo);
  put_u64(out, meta.incarnation);
  put_u64(out, meta.store_epoch);
  put_u64(out, meta.store_version);
  put_u64(out, meta.gc_version);
  append_crc({}, out);
  return out;
}

Decoded<Meta> decode_meta(std::string_view bytes) {
  // Magic, then version, then everything else: the order the compatibility rule promises.
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return DecodeFailure{ErrorCode::data_dir_foreign, "its meta record is not Convoy's"};
  }
  if (bytes.size() < kMagic.size() + 4) return damaged("the meta record is truncated");
  const auto version = get_le<std::uint32_t>(bytes, kMagic.size());
  if (version > kFormatVersion) {
    return DecodeFailure{ErrorCode::data_dir_newer,
                         "it has format version " + std::to_string(version) +
                             " and this build reads up to " + std::to_string(kFormatVersion)};
  }
  if (version == 0) return damaged("the meta record has format version 0");
  if (bytes.size() != kMetaSize) {
    return damaged("the meta record has " + std::to_string(bytes.size()) + " bytes, not " +
                   std::to_string(kMetaSize));
  }
  if (!crc_matches({}, bytes)) return damaged("the meta record fails its checksum");
  Meta meta;
  meta.id.hi = get_le<std::uint64_t>(bytes, 12);
  meta.id.lo = get_le<std::uint64_t>(bytes, 20);
  meta.incarnation = get_le<std::uint64_t>(bytes, 28);
  meta.store_epoch = get_le<std::uint64_t>(bytes, 36);
  meta.store_version = get_le<std::uint64_t>(bytes, 44);
  meta.gc_version = get_le<std::uint64_t>(bytes, 52);
  if (meta.id.is_nil()) return damaged("the meta record holds the nil member id");
  return meta;
}

std::string encode_item(const StoredItem& item) {
  std::string out;
  out.reserve(kItemHeader + item.value.size() + kCrcSize);
  put_u64(out, item.version);
  out.push_back(static_cast<char>(item.deleted ? kDeletedFlag : 0));
  out.append(item.value);
  append_crc(item.key, out);
  return out;
}

Decoded<StoredItem> decode_item(std::string_view key, std::string_view bytes) {
  if (bytes.size() < kItemHeader + kCrcSize) return damaged("an item record is truncated");
  if (!crc_matches(key, bytes)) return damaged("an item record fails its checksum");
  const auto flags = static_cast<std::uint8_t>(bytes[8]);
  if ((flags & ~kDeletedFlag) != 0) return damaged("an item record has unknown flags");
  StoredItem item;
  item.key = std::string(key);
  item.version = get_le<std::uint64_t>(bytes, 0);
  item.deleted = (flags & kDeletedFlag) != 0;
  item.value = std::string(bytes.substr(kItemHeader, bytes.size() - kItemHeader - kCrcSize));
  return item;
}

std::string encode_peers(const std::vector<Address>& peers) {
  std::string out;
  out.reserve(4 + kPeerSize * peers.size() + kCrcSize);
  put_u32(out, static_cast<std::uint32_t>(peers.size()));
  for (const auto& peer : peers) {
    out.push_back(static_cast<char>(peer.family));
    out.append(reinterpret_cast<const char*>(peer.ip.data()), peer.ip.size());
    put_u16(out, peer.port);
  }
  append_crc({}, out);
  return out;
}

Decoded<std::vector<Address>> decode_peers(std::string_view bytes) {
  if (bytes.size() < 4 + kCrcSize) return damaged("the peers record is truncated");
  const auto count = get_le<std::uint32_t>(bytes, 0);
  if (count > kMaxKnownPeers) return damaged("the peers record lists too many peers");
  if (bytes.size() != 4 + kPeerSize * count + kCrcSize) {
    return damaged("the peers record's length does not match its count");
  }
  if (!crc_matches({}, bytes)) return damaged("the peers record fails its checksum");
  std::vector<Address> peers(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 4 + kPeerSize * i;
    auto& peer = peers[i];
    peer.family = static_cast<Address::Family>(static_cast<std::uint8_t>(bytes[at]));
    std::memcpy(peer.ip.data(), bytes.data() + at + 1, peer.ip.size());
    peer.port = get_le<std::uint16_t>(bytes, at + 17);
    if (!is_canonical(peer)) return damaged("the peers record holds a malformed address");
  }
  return peers;
}

}  // namespace convoy::storage::records
