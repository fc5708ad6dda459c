// The agent's keyring file (--keyring-file): the keys and the encryption stage as a small JSON
// object, so that a keyring changed through the API (a rotation, a rollout step) survives a
// restart instead of being undone by the command line the agent started with:
//
//   {"keys": ["<base64 key>", ...], "encryption": "required"}
//
// The first key is the primary. "encryption" may be left out: then it is required with keys and
// off without, as for the flags. The file holds secrets, so it is written with mode 0600 and
// atomically (a temporary file in the same folder, flushed to disk, then renamed over the old
// one): a crash mid-write leaves the old keyring or the new one, never half of either.
#pragma once

#include <convoy/security.hpp>

#include <optional>
#include <string>
#include <vector>

namespace convoy::app {

struct KeyringContents {
  /// Base64 keys, the primary first.
  std::vector<std::string> keys;
  Encryption encryption = Encryption::off;
};

/// The keyring in `path`, or nullopt when there is no file there. Throws OptionError, starting
/// with the path, for a file it cannot read or use; the message never quotes the file's text
/// (it may hold keys).
[[nodiscard]] std::optional<KeyringContents> read_keyring_file(const std::string& path);

/// Replaces the file at `path` by `contents` (atomically, mode 0600). Throws std::runtime_error
/// saying what failed; the old file is then left as it was.
void write_keyring_file(const std::string& path, const KeyringContents& contents);

/// True when users other than the owner may read the file at `path` (worth a warning: it holds
/// keys).
[[nodiscard]] bool others_may_read(const std::string& path);

}  // namespace convoy::app
