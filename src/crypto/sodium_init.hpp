// Sodium init: libsodium must be initialised once before its random source is used (it picks its
// implementations and opens the system's random device then). Every crypto entry point that can
// be reached first (Key's factories, Sealer's constructor) calls this, so no caller has to
// remember an init step.
#pragma once

namespace convoy::crypto {

/// Initialises libsodium (once; thread-safe and cheap afterwards). Throws std::runtime_error
/// when libsodium cannot initialise (no usable random source).
void require_sodium();

}  // namespace convoy::crypto
