// Security: the shared keyring that seals (authenticates and encrypts) what members send each
// other, the cluster name bound into every sealed packet, and the stages that turn encryption on
// or off in a running cluster without downtime. docs/protocol.md draws the sealed envelope;
// docs/runtime.md has the rollout and rotation procedures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convoy {

/// How a host treats sealed and plaintext traffic. A running cluster moves one stage at a time,
/// every member reaching a stage before any member moves to the next (Host::set_encryption, no
/// restart), and no two members ever refuse each other on the way:
///
///     off -> accept_sealed -> send_sealed -> required      (and back the same way)
enum class Encryption : std::uint8_t {
  /// Sends plaintext; a sealed packet is refused (counted as "sealed_unexpected").
  off,
  /// Sends plaintext; opens sealed packets too. The first stage of turning encryption on.
  accept_sealed,
  /// Sends sealed; still accepts plaintext from members that have not got here yet.
  send_sealed,
  /// Sends sealed; refuses plaintext (counted as "not_sealed"). Where a cluster should stay.
  required,
};

/// "off", "accept_sealed", "send_sealed", "required".
[[nodiscard]] std::string_view to_string(Encryption encryption);
/// The inverse of to_string (also with '-' for '_'), or nullopt.
[[nodiscard]] std::optional<Encryption> parse_encryption(std::string_view text);

/// The longest cluster name, in bytes.
inline constexpr std::size_t kMaxClusterNameBytes = 255;

/// A key is 32 random bytes written as 44 characters of standard base64 (generate_key(), or
/// `convoy keygen`). Its id, 8 hex digits derived from the key, is what logs, metrics and the
/// keyring listing show: safe to print, where the key is not.
struct SecurityOptions {
  /// The keyring. The first key is the primary: it seals what this host sends. Every key opens
  /// what arrives (a sealed packet names its key's id, so nothing is tried in turn). Empty: no
  /// encryption.
  std::vector<std::string> keys;
  /// Unset: `required` with keys, `off` without. `off` with keys installs them without using
  /// them (the first step of a rollout, docs/runtime.md); a stage other than off needs a key.
  std::optional<Encryption> encryption;
  /// Bound into every sealed packet: two clusters that share a key but not a name refuse each
  /// other's packets and count them as "other_cluster". Up to kMaxClusterNameBytes; empty is a
  /// name too.
  std::string cluster_name;
};

/// What a host's keyring holds now. Key bytes never leave the host; ids do.
struct KeyringStatus {
  /// Ids of the installed keys, the primary first (empty without keys).
  std::vector<std::string> key_ids;
  Encryption encryption = Encryption::off;
  std::string cluster_name;
};

/// A fresh random key, base64.
[[nodiscard]] std::string generate_key();
/// The id of a base64 key ("1a2b3c4d"), or nullopt when `key` is not one.
[[nodiscard]] std::optional<std::string> key_id(std::string_view key);
/// True when `text` is written as a key id: 8 hex digits, either case.
[[nodiscard]] bool is_key_id(std::string_view text);

}  // namespace convoy
