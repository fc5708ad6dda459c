// Sealer: see the header, which draws the layout.
#include "crypto/sealer.hpp"

#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>

namespace convoy::crypto {
namespace {

// Offsets of the header's fields (sealer.hpp).
constexpr std::size_t kVersionAt = 4;
constexpr std::size_t kTagAt = 5;
constexpr std::size_t kKeyIdAt = 9;
constexpr std::size_t kNonceAt = 13;
constexpr std::size_t kNoncePrefixSize = 16;
constexpr std::size_t kNonceSize = 24;
constexpr std::size_t kMacSize = 16;
constexpr std::size_t kClusterHashSize = 16;

static_assert(kNonceAt + kNonceSize == kSealedHeaderSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kNonceSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kMacSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeySize);
static_assert(kSealOverhead == kSealedHeaderSize + kMacSize);
static_assert(kNoncePrefixSize + sizeof(std::uint64_t) == kNonceSize);

using ClusterTag = std::array<std::uint8_t, 4>;

ClusterTag tag_of(std::string_view cluster_name) {
  std::array<std::uint8_t, kClusterHashSize> hash{};
  crypto_generichash(hash.data(), hash.size(),
                     reinterpret_cast<const unsigned char*>(cluster_name.data()),
                     cluster_name.size(), nullptr, 0);
  return {hash[0], hash[1], hash[2], hash[3]};
}

void put_be32(std::uint8_t* at, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    at[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

void put_be64(std::uint8_t* at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    at[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

std::uint32_t get_be32(const std::uint8_t* at) {
  return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) | (std::uint32_t{at[2]} << 8) |
         std::uint32_t{at[3]};
}

// The associated data: the header as sent, then the whole name. The name comes last, so its
// length needs no framing; it is bounded, so the buffer lives on the stack.
class AssociatedData {
 public:
  AssociatedData(const std::uint8_t* header, std::string_view cluster_name)
      : size_(kSealedHeaderSize + cluster_name.size()) {
    std::copy_n(header, kSealedHeaderSize, bytes_.begin());
    std::copy(cluster_name.begin(), cluster_name.end(), bytes_.begin() + kSealedHeaderSize);
  }
  [[nodiscard]] const unsigned char* data() const { return bytes_.data(); }
  [[nodiscard]] unsigned long long size() const { return size_; }

 private:
  std::array<std::uint8_t, kSealedHeaderSize + kMaxClusterName> bytes_;
  std::size_t size_;
};

// libsodium's AEAD may work in place only at exactly the same address; `out` is resized before
// use, so input that lies in its buffer could also move away. Callers pass separate buffers.
[[maybe_unused]] bool overlaps(std::span<const std::uint8_t> in,
                               const std::vector<std::uint8_t>& out) {
  if (in.empty() || out.capacity() == 0) return false;
  const std::less<const std::uint8_t*> before;
  const std::uint8_t* out_end = out.data() + out.capacity();
  return before(in.data(), out_end) && before(out.data(), in.data() + in.size());
}

}  // namespace

bool looks_sealed(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= kSealedMagic.size() &&
         std::equal(kSealedMagic.begin(), kSealedMagic.end(), bytes.begin());
}

std::string_view to_string(OpenError error) {
  switch (error) {
    case OpenError::too_short:
      return "sealed_too_short";
    case OpenError::unsupported_version:
      return "sealed_unsupported_version";
    case OpenError::other_cluster:
      return "other_cluster";
    case OpenError::unknown_key:
      return "unknown_key";
    case OpenError::forged:
      return "forged";
  }
  return "unknown";
}

Sealer::Sealer(std::string cluster_name) : cluster_name_(std::move(cluster_name)) {
  if (cluster_name_.size() > kMaxClusterName) {
    throw std::invalid_argument("cluster name longer than " + std::to_string(kMaxClusterName) +
                                " bytes");
  }
  require_sodium();
  cluster_tag_ = tag_of(cluster_name_);
  // A fresh random prefix per Sealer keeps two Sealers under one key (two members, or one member
  // before and after a restart) apart: the counter alone would repeat.
  randombytes_buf(nonce_prefix_.data(), nonce_prefix_.size());
}

void Sealer::seal(const Key& key, std::span<const std::uint8_t> plaintext,
                  std::vector<std::uint8_t>& out) {
  assert(!overlaps(plaintext, out));
  out.resize(plaintext.size() + kSealOverhead);
  std::uint8_t* header = out.data();
  std::copy(kSealedMagic.begin(), kSealedMagic.end(), header);
  header[kVersionAt] = kSealedVersion;
  std::copy(cluster_tag_.begin(), cluster_tag_.end(), header + kTagAt);
  put_be32(header + kKeyIdAt, key.id());
  std::copy(nonce_prefix_.begin(), nonce_prefix_.end(), header + kNonceAt);
  // 2^64 packets would take six centuries at a billion a second: the counter does not wrap.
  put_be64(header + kNonceAt + kNoncePrefixSize, counter_++);

  const AssociatedData ad(header, cluster_name_);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kSealedHeaderSize, nullptr, plaintext.data(), plaintext.size(), ad.data(),
      ad.size(), nullptr, header + kNonceAt, key.bytes().data());
}

std::optional<OpenError> Sealer::open(const Keyring& keyring, std::span<const std::uint8_t> sealed,
                                      std::vector<std::uint8_t>& out) const {
  assert(!overlaps(sealed, out));
  out.clear();
  if (sealed.size() < kSealOverhead) return OpenError::too_short;
  // Callers dispatch on the magic, so a wrong one here is a caller's mistake or a packet made to
  // look like something else: either way nothing to open.
  if (!looks_sealed(sealed)) return OpenError::forged;
  if (sealed[kVersionAt] != kSealedVersion) return OpenError::unsupported_version;
  // The tag and the id only choose the error and the key; authentication below covers both.
  if (!std::equal(cluster_tag_.begin(), cluster_tag_.end(), sealed.begin() + kTagAt)) {
    return OpenError::other_cluster;
  }
  const Key* key = keyring.find(get_be32(sealed.data() + kKeyIdAt));
  if (key == nullptr) return OpenError::unknown_key;

  const AssociatedData ad(sealed.data(), cluster_name_);
  out.resize(sealed.size() - kSealOverhead);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.data(), nullptr, nullptr, sealed.data() + kSealedHeaderSize,
          sealed.size() - kSealedHeaderSize, ad.data(), ad.size(), sealed.data() + kNonceAt,
          key->bytes().data()) != 0) {
    out.clear();
    return OpenError::forged;
  }
  return std::nullopt;
}

}  // namespace convoy::crypto
