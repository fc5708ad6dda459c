// The keyring through a rotation and around it: every Change outcome, each refusal leaving the
// keyring exactly as it was, the order of ids, and a real id collision (found by a birthday
// search, crypto_test_support.hpp) refused rather than shadowing or replacing the installed key.
#include "crypto_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace convoy::crypto {
namespace {

using namespace test;
using Change = Keyring::Change;
using Ids = std::vector<KeyId>;

Bytes bytes_of(const Key* key) {
  return Bytes(key->bytes().begin(), key->bytes().end());
}

TEST(Keyring, EmptyHasNoPrimaryAndRefusesEveryChangeButInstall) {
  Keyring ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.primary(), nullptr);
  EXPECT_EQ(ring.find(kCountingKeyId), nullptr);
  EXPECT_EQ(ring.find(0), nullptr);
  EXPECT_TRUE(ring.ids().empty());
  EXPECT_EQ(ring.use(kCountingKeyId), Change::unknown_key);
  EXPECT_EQ(ring.remove(kCountingKeyId), Change::unknown_key);
  EXPECT_TRUE(ring.empty());
  EXPECT_TRUE(Keyring(std::vector<Key>{}).empty());
}

TEST(Keyring, InstallIntoEmptyMakesThePrimary) {
  Keyring ring;
  const Key a = counting_key(0);
  EXPECT_EQ(ring.install(a), Change::done);
  EXPECT_FALSE(ring.empty());
  ASSERT_NE(ring.primary(), nullptr);
  EXPECT_EQ(ring.primary()->id(), a.id());
  EXPECT_EQ(bytes_of(ring.primary()), bytes_of(&a));
  EXPECT_EQ(ring.ids(), Ids{a.id()});
}

TEST(Keyring, InstallLaterKeepsThePrimaryAndAddsAfterIt) {
  const Key a = counting_key(0), b = counting_key(1), c = counting_key(2);
  Keyring ring({a});
  EXPECT_EQ(ring.install(b), Change::done);
  EXPECT_EQ(ring.install(c), Change::done);
  EXPECT_EQ(ring.primary()->id(), a.id());
  EXPECT_EQ(ring.ids(), (Ids{a.id(), b.id(), c.id()}));
  ASSERT_NE(ring.find(c.id()), nullptr);
  EXPECT_EQ(bytes_of(ring.find(c.id())), bytes_of(&c));
}

TEST(Keyring, InstallingAnInstalledKeyIsAlready) {
  const Key a = counting_key(0), b = counting_key(1);
  Keyring ring({a, b});
  EXPECT_EQ(ring.install(a), Change::already);
  EXPECT_EQ(ring.install(b), Change::already);
  // A copy made through base64 is the same key.
  EXPECT_EQ(ring.install(*Key::from_base64(a.to_base64())), Change::already);
  EXPECT_EQ(ring.ids(), (Ids{a.id(), b.id()}));
}

TEST(Keyring, UseMakesAKeyThePrimaryAndKeepsTheOthersInOrder) {
  const Key a = counting_key(0), b = counting_key(1), c = counting_key(2);
  Keyring ring({a, b, c});
  EXPECT_EQ(ring.use(c.id()), Change::done);
  EXPECT_EQ(ring.primary()->id(), c.id());
  EXPECT_EQ(ring.ids(), (Ids{c.id(), a.id(), b.id()}));
  EXPECT_EQ(bytes_of(ring.primary()), bytes_of(&c));
  EXPECT_EQ(ring.use(c.id()), Change::already);
  EXPECT_EQ(ring.use(b.id()), Change::done);
  EXPECT_EQ(ring.ids(), (Ids{b.id(), c.id(), a.id()}));
}

TEST(Keyring, UseOfAnUnknownIdChangesNothing) {
  const Key a = counting_key(0), b = counting_key(1);
  Keyring ring({a, b});
  EXPECT_EQ(ring.use(counting_key(9).id()), Change::unknown_key);
  EXPECT_EQ(ring.ids(), (Ids{a.id(), b.id()}));
}

TEST(Keyring, ThePrimaryCannotBeRemoved) {
  const Key a = counting_key(0), b = counting_key(1);
  Keyring ring({a, b});
  EXPECT_EQ(ring.remove(a.id()), Change::is_primary);
  EXPECT_EQ(ring.ids(), (Ids{a.id(), b.id()}));
  // Nor the only key.
  Keyring single({a});
  EXPECT_EQ(single.remove(a.id()), Change::is_primary);
  EXPECT_FALSE(single.empty());
}

TEST(Keyring, RemoveTakesOutOneKeyOnly) {
  const Key a = counting_key(0), b = counting_key(1), c = counting_key(2);
  Keyring ring({a, b, c});
  EXPECT_EQ(ring.remove(b.id()), Change::done);
  EXPECT_EQ(ring.ids(), (Ids{a.id(), c.id()}));
  EXPECT_EQ(ring.find(b.id()), nullptr);
  EXPECT_EQ(bytes_of(ring.find(c.id())), bytes_of(&c));
  EXPECT_EQ(ring.remove(b.id()), Change::unknown_key);
  EXPECT_EQ(ring.remove(counting_key(9).id()), Change::unknown_key);
  EXPECT_EQ(ring.ids(), (Ids{a.id(), c.id()}));
}

// The three steps of a rotation (keyring.hpp), and the two orders it must refuse.
TEST(Keyring, RotationInstallUseThenRemoveTheOldPrimary) {
  const Key old_key = counting_key(0), new_key = counting_key(50);
  Keyring ring({old_key});
  EXPECT_EQ(ring.remove(old_key.id()), Change::is_primary) << "removed before a successor";
  EXPECT_EQ(ring.use(new_key.id()), Change::unknown_key) << "used before installed";
  EXPECT_EQ(ring.install(new_key), Change::done);
  EXPECT_EQ(ring.primary()->id(), old_key.id()) << "installing does not switch sealing";
  EXPECT_EQ(ring.use(new_key.id()), Change::done);
  EXPECT_NE(ring.find(old_key.id()), nullptr) << "the old key still opens";
  EXPECT_EQ(ring.remove(old_key.id()), Change::done);
  EXPECT_EQ(ring.ids(), Ids{new_key.id()});
  EXPECT_EQ(ring.find(old_key.id()), nullptr);
  EXPECT_EQ(bytes_of(ring.primary()), bytes_of(&new_key));
}

TEST(Keyring, ConstructorTakesTheFirstKeyAsPrimaryAndKeepsDuplicatesOnce) {
  const Key a = counting_key(0), b = counting_key(1);
  const Keyring ring({b, a, b, a});
  EXPECT_EQ(ring.ids(), (Ids{b.id(), a.id()}));
  EXPECT_EQ(ring.primary()->id(), b.id());
}

TEST(Keyring, InstallRefusesADifferentKeyWithAnInstalledId) {
  const Key a = numbered_key(kCollidingKeyA), b = numbered_key(kCollidingKeyB);
  ASSERT_EQ(a.id(), b.id());
  Keyring ring({counting_key(0), a});
  EXPECT_EQ(ring.install(b), Change::id_collision);
  EXPECT_EQ(ring.ids(), (Ids{kCountingKeyId, kCollidingKeyId}));
  EXPECT_EQ(bytes_of(ring.find(kCollidingKeyId)), bytes_of(&a)) << "the installed key stays";
  // And as the primary.
  Keyring primary({b});
  EXPECT_EQ(primary.install(a), Change::id_collision);
  EXPECT_EQ(bytes_of(primary.primary()), bytes_of(&b));
}

TEST(Keyring, ConstructorRefusesTwoDifferentKeysWithOneId) {
  const Key a = numbered_key(kCollidingKeyA), b = numbered_key(kCollidingKeyB);
  EXPECT_THROW(Keyring({a, b}), std::invalid_argument);
  EXPECT_THROW(Keyring({counting_key(0), b, counting_key(1), a}), std::invalid_argument);
}

TEST(Keyring, CopiesAreIndependent) {
  const Key a = counting_key(0), b = counting_key(1);
  Keyring ring({a});
  const Keyring before = ring;
  EXPECT_EQ(ring.install(b), Change::done);
  EXPECT_EQ(ring.use(b.id()), Change::done);
  EXPECT_EQ(before.ids(), Ids{a.id()});
  EXPECT_EQ(ring.ids(), (Ids{b.id(), a.id()}));
}

}  // namespace
}  // namespace convoy::crypto
