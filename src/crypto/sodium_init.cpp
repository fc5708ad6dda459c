// Sodium init: see the header.
#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

namespace convoy::crypto {

void require_sodium() {
  // sodium_init() returns 0 the first time, 1 when already initialised, -1 on failure; it takes
  // its own lock, so concurrent first calls are safe.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace convoy::crypto
