// libFuzzer target for the sealed envelope's opener: the first code every sealed datagram and
// stream message reaches, before any authentication has happened. Besides "never crashes", it
// checks that a refusal names one of the known reasons and leaves nothing in `out`, that nothing
// made without the key opens (a success here is a forgery), and, for inputs long enough, that the
// input sealed under either key opens back to itself and stops opening once any bit of it is
// flipped.
#include "crypto/key.hpp"
#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using namespace convoy::crypto;

// The biggest stream message a member accepts; bigger inputs add nothing but time.
constexpr std::size_t kMaxSize = 65536;
// Inputs of at least this size are also sealed: the first byte picks the key and the bit to flip.
constexpr std::size_t kSealFrom = 2;

void require(bool ok) {
  if (!ok) std::abort();
}

KeyId key_id_at(const std::uint8_t* at) {
  return (KeyId{at[0]} << 24) | (KeyId{at[1]} << 16) | (KeyId{at[2]} << 8) | KeyId{at[3]};
}

Key fixed_key(std::uint8_t fill) {
  std::array<std::uint8_t, kKeySize> bytes{};
  bytes.fill(fill);
  return Key::from_bytes(bytes);
}

struct Fixture {
  Key first = fixed_key(0x11);
  Key second = fixed_key(0x22);
  Keyring keyring{{first, second}};
  Sealer sealer{"fuzz-cluster"};
  std::vector<std::uint8_t> sealed;
  std::vector<std::uint8_t> opened;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxSize) return 0;
  Fixture& f = fixture();
  const std::span<const std::uint8_t> input(data, size);

  // Arbitrary bytes, as they come off the network. Each refusal is checked against what the
  // input holds, following open()'s order of checks; the separate branches also give the fuzzer
  // coverage for getting each header field right (the round trip below reaches the same lines of
  // open() with its own packets, so open()'s coverage alone would not reward it).
  const auto error = f.sealer.open(f.keyring, input, f.opened);
  // Only a forgery of XChaCha20-Poly1305 under a key the fuzzer does not have would open.
  require(error.has_value());
  require(f.opened.empty());
  const bool long_enough = size >= kSealOverhead;
  switch (*error) {
    case OpenError::too_short:
      require(!long_enough);
      break;
    case OpenError::unsupported_version:
      require(long_enough && looks_sealed(input) && data[4] != kSealedVersion);
      break;
    case OpenError::other_cluster:
      require(long_enough && looks_sealed(input) && data[4] == kSealedVersion);
      break;
    case OpenError::unknown_key:
      require(long_enough && looks_sealed(input) && f.keyring.find(key_id_at(data + 9)) == nullptr);
      break;
    case OpenError::forged:
      require(long_enough);
      // With the sealed magic, every header check passed: authentication alone refused it.
      if (looks_sealed(input)) {
        require(data[4] == kSealedVersion && f.keyring.find(key_id_at(data + 9)) != nullptr);
      }
      break;
  }

  if (size < kSealFrom) return 0;
  const Key& key = (data[0] & 1) != 0 ? f.second : f.first;
  f.sealer.seal(key, input, f.sealed);
  require(f.sealed.size() == size + kSealOverhead);
  require(!f.sealer.open(f.keyring, f.sealed, f.opened));
  require(f.opened.size() == size);
  require(std::equal(f.opened.begin(), f.opened.end(), input.begin()));

  const std::size_t at = (static_cast<std::size_t>(data[1]) << 8 | data[0]) % f.sealed.size();
  f.sealed[at] ^= static_cast<std::uint8_t>(1U << (data[0] % 8));
  require(f.sealer.open(f.keyring, f.sealed, f.opened).has_value());
  require(f.opened.empty());
  return 0;
}
