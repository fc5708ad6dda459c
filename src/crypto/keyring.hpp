// Keyring: the keys a member opens packets with, one of them the primary it seals with. Rotation
// is three keyring changes made on every member in turn (install the new key everywhere, make it
// the primary everywhere, remove the old one everywhere), so a keyring must accept a key it
// cannot yet seal with and keep opening with one it no longer seals with.
#pragma once

#include "crypto/key.hpp"

#include <cstdint>
#include <vector>

namespace convoy::crypto {

class Keyring {
 public:
  /// The outcome of a change; anything but `done` left the keyring as it was.
  enum class Change : std::uint8_t {
    done,
    already,       ///< install: the key is there; use: it is the primary already
    unknown_key,   ///< use, remove: no key with that id
    is_primary,    ///< remove: the primary cannot be removed (make another primary first)
    id_collision,  ///< install: a different key with the same id is installed
  };

  /// Empty: no primary, opens nothing.
  Keyring() = default;
  /// The first key is the primary; a key given twice is kept once. Throws
  /// std::invalid_argument when two different keys share an id.
  explicit Keyring(std::vector<Key> keys);

  [[nodiscard]] bool empty() const { return keys_.empty(); }
  /// Null when empty.
  [[nodiscard]] const Key* primary() const;
  /// Null when no key has this id.
  [[nodiscard]] const Key* find(KeyId id) const;
  /// Every key's id, the primary first.
  [[nodiscard]] std::vector<KeyId> ids() const;

  /// Adds a key that opens; into an empty keyring, it becomes the primary too.
  Change install(const Key& key);
  /// Makes an installed key the primary.
  Change use(KeyId id);
  /// Removes a key other than the primary.
  Change remove(KeyId id);

 private:
  std::vector<Key> keys_;  // keys_[0] is the primary
};

}  // namespace convoy::crypto
