// AgentKeyring: the agent's side of the member's keyring. It decides what the member starts with
// (which of the keyring file and the configuration wins), and it makes every keyring change the
// API asks for on the Host and then in the keyring file, under one lock, so that the file always
// holds what the member runs and a restart keeps a rotation.
//
// Which wins: a keyring file that exists is the keyring. Giving --key (or security.keys) or
// --encryption with it is refused at start, naming the one to drop: a persisted keyring that
// silently wins over configuration is how a restarted member gets stranded with an old key. A
// keyring file that does not exist yet is created from the configuration once the member runs.
//
// The library holds the key bytes and shows only ids (Host::keyring()); the agent keeps its own
// copy of the keys it was given, because it must be able to write them to the file. Nothing here
// logs or returns a key: only ids.
#pragma once

#include "agent/agent_options.hpp"
#include "agent/keyring_file.hpp"

#include <convoy/host.hpp>
#include <convoy/security.hpp>

#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::app {

class LogOutput;

/// A keyring change that the member made but the keyring file did not get: the member runs the
/// new keyring, and a restart would bring back the file's.
class KeyringNotSaved : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class AgentKeyring {
 public:
  /// Resolves the keyring the member starts with. Throws OptionError (a bad key, a stage that
  /// needs a key, --key with an existing keyring file, a keyring file that cannot be used).
  explicit AgentKeyring(const AgentSecurity& security);

  /// What HostOptions::security gets.
  [[nodiscard]] SecurityOptions start_options() const;
  /// One line for the log: key ids, the stage, the cluster name and where the keyring came from.
  [[nodiscard]] std::string describe() const;

  /// Once the member runs: creates the keyring file if it did not exist. From now on changes go
  /// through `host`.
  /// Throws KeyringNotSaved when the file cannot be written.
  void attach(Host& host, LogOutput& log);

  /// The member's keyring (ids only).
  [[nodiscard]] KeyringStatus status() const;
  /// "" without a keyring file.
  [[nodiscard]] const std::string& file() const { return file_; }

  // Each changes the member's keyring (through the Host, which throws convoy::Error
  // invalid_argument when it changes nothing, not_running when stopped) and then rewrites the
  // keyring file (throwing KeyringNotSaved when it cannot).
  void install(std::string_view key);
  void use(std::string_view key_or_id);
  void remove(std::string_view key_or_id);
  void set_encryption(Encryption encryption);

 private:
  struct HeldKey {
    std::string id;
    std::string key;  ///< base64
  };

  /// After a change on the Host: the held keys in the Host's order (dropping removed ones), the
  /// Host's stage, then the file. `what` says the change for the log.
  void after_change(const std::string& what, std::vector<HeldKey> candidates);
  void save(const std::string& why);

  std::string file_;
  std::string source_;  ///< where the starting keyring came from, for describe()
  bool create_file_ = false;
  std::string cluster_name_;
  std::vector<HeldKey> keys_;  ///< the primary first
  Encryption encryption_ = Encryption::off;

  mutable std::mutex mutex_;  ///< one change at a time, the Host's and the file's together
  Host* host_ = nullptr;
  LogOutput* log_ = nullptr;
};

}  // namespace convoy::app
