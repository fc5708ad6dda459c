// Properties over arbitrary plaintexts, cluster names and keys: what is sealed opens back to
// itself, and no single bit of a sealed packet can change without open() refusing it.
#include "crypto_test_support.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace convoy::crypto {
namespace {

using namespace test;

rc::Gen<Key> gen_key() {
  return rc::gen::map(
      rc::gen::arbitrary<std::array<std::uint8_t, kKeySize>>(),
      [](const std::array<std::uint8_t, kKeySize>& bytes) { return Key::from_bytes(bytes); });
}

rc::Gen<std::string> gen_cluster_name() {
  // Any bytes, NULs included, up to the limit; the limit itself now and then.
  return rc::gen::oneOf(
      rc::gen::resize(kMaxClusterName, rc::gen::container<std::string>(rc::gen::arbitrary<char>())),
      rc::gen::container<std::string>(kMaxClusterName, rc::gen::arbitrary<char>()),
      rc::gen::just(std::string()));
}

rc::Gen<Bytes> gen_plaintext() {
  return rc::gen::oneOf(rc::gen::arbitrary<Bytes>(),
                        rc::gen::resize(3000, rc::gen::arbitrary<Bytes>()));
}

RC_GTEST_PROP(SealerProperty, OpenOfSealIsIdentity, ()) {
  const Key key = *gen_key();
  const std::string name = *gen_cluster_name();
  const Bytes plaintext = *gen_plaintext();
  // Other keys around it, so the right one has to be picked by id.
  Keyring ring({Key::generate(), key, Key::generate()});
  RC_PRE(ring.find(key.id()) != nullptr);

  Sealer sender(name);
  const Sealer receiver(name);
  // A Sealer already some way into its counter.
  const auto warm_up = *rc::gen::inRange(0, 5);
  for (int i = 0; i < warm_up; ++i) (void)seal(sender, key, plaintext);

  const Bytes sealed = seal(sender, key, plaintext);
  RC_ASSERT(sealed.size() == plaintext.size() + kSealOverhead);
  const Opened opened = open(receiver, ring, sealed);
  RC_ASSERT(!opened.error);
  RC_ASSERT(opened.plaintext == plaintext);
}

RC_GTEST_PROP(SealerProperty, AnySingleBitFlipIsRefused, ()) {
  const Key key = *gen_key();
  const std::string name = *gen_cluster_name();
  const Bytes plaintext = *gen_plaintext();
  Sealer sealer(name);
  Bytes sealed = seal(sealer, key, plaintext);

  const auto at = *rc::gen::inRange<std::size_t>(0, sealed.size());
  const auto bit = *rc::gen::inRange(0, 8);
  sealed[at] ^= static_cast<std::uint8_t>(1U << bit);
  const Opened opened = open(sealer, Keyring({key}), sealed);
  RC_TAG(opened.error ? to_string(*opened.error) : std::string_view("opened"));
  RC_ASSERT(opened.error.has_value());
  RC_ASSERT(opened.plaintext.empty());
}

RC_GTEST_PROP(SealerProperty, AnotherNameNeverOpens, ()) {
  const Key key = *gen_key();
  const std::string name = *gen_cluster_name();
  const std::string other = *gen_cluster_name();
  RC_PRE(name != other);
  Sealer sealer(name);
  const Opened opened = open(Sealer(other), Keyring({key}), seal(sealer, key, *gen_plaintext()));
  RC_ASSERT(opened.error.has_value());
  // Tags of 4 bytes collide one time in 2^32: other_cluster is all a random pair can give.
  RC_ASSERT(*opened.error == OpenError::other_cluster);
}

RC_GTEST_PROP(SealerProperty, ArbitraryBytesNeverOpen, ()) {
  // Random bytes behind a valid-looking header: everything up to the key id is ours, so only
  // authentication stands between them and the engine.
  const Key key = counting_key(0);
  Sealer sealer("convoy");
  Bytes packet = seal(sealer, key, {});
  packet.resize(kNonceAt);
  const Bytes tail = *rc::gen::arbitrary<Bytes>();
  packet.insert(packet.end(), tail.begin(), tail.end());
  const Opened opened = open(sealer, Keyring({key}), packet);
  RC_ASSERT(opened.error.has_value());
  RC_ASSERT(*opened.error ==
            (packet.size() < kSealOverhead ? OpenError::too_short : OpenError::forged));
}

}  // namespace
}  // namespace convoy::crypto
