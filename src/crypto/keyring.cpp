// Keyring: see the header.
#include "crypto/keyring.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace convoy::crypto {
namespace {

// Constant time: how much of a guessed key matches must not show in how long this takes.
bool same_bytes(const Key& a, const Key& b) {
  return sodium_memcmp(a.bytes().data(), b.bytes().data(), kKeySize) == 0;
}

}  // namespace

Keyring::Keyring(std::vector<Key> keys) {
  keys_.reserve(keys.size());
  for (const Key& key : keys) {
    if (install(key) == Change::id_collision) {
      throw std::invalid_argument("two different keys with the id " + to_string(key.id()));
    }
  }
}

const Key* Keyring::primary() const {
  return keys_.empty() ? nullptr : &keys_.front();
}

const Key* Keyring::find(KeyId id) const {
  const auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) { return k.id() == id; });
  return it == keys_.end() ? nullptr : &*it;
}

std::vector<KeyId> Keyring::ids() const {
  std::vector<KeyId> ids;
  ids.reserve(keys_.size());
  for (const Key& key : keys_) ids.push_back(key.id());
  return ids;
}

Keyring::Change Keyring::install(const Key& key) {
  // Ids are unique within a keyring (find() and a packet's key id rely on it), so a key is
  // recognised by its id and then told apart from a collision by its bytes.
  if (const Key* present = find(key.id())) {
    return same_bytes(*present, key) ? Change::already : Change::id_collision;
  }
  keys_.push_back(key);
  return Change::done;
}

Keyring::Change Keyring::use(KeyId id) {
  const auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) { return k.id() == id; });
  if (it == keys_.end()) return Change::unknown_key;
  if (it == keys_.begin()) return Change::already;
  // Rotating keeps the others in their order: the old primary becomes the second key.
  std::rotate(keys_.begin(), it, std::next(it));
  return Change::done;
}

Keyring::Change Keyring::remove(KeyId id) {
  const auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) { return k.id() == id; });
  if (it == keys_.end()) return Change::unknown_key;
  if (it == keys_.begin()) return Change::is_primary;
  keys_.erase(it);
  return Change::done;
}

}  // namespace convoy::crypto
