// AgentKeyring: see agent_keyring.hpp.
#include "agent/agent_keyring.hpp"

#include "agent/log_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace convoy::app {
namespace {

/// What the library would take too (it ignores whitespace around a key), without the whitespace
/// that a key pasted or piped in brings along, so the file holds clean keys.
std::string trimmed(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

/// The id a key_or_id argument names, for log lines (the Host has checked it by then).
std::string id_of(std::string_view key_or_id) {
  if (auto id = key_id(key_or_id)) return *id;
  std::string id = trimmed(key_or_id);
  std::transform(id.begin(), id.end(), id.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return id;
}

std::string ids_text(const std::vector<std::string>& ids) {
  if (ids.empty()) return "no keys";
  std::string out = ids.size() == 1 ? "key " : "keys ";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
    if (i == 0) out += " (primary)";
  }
  return out;
}

}  // namespace

AgentKeyring::AgentKeyring(const AgentSecurity& security)
    : file_(security.keyring_file), cluster_name_(security.cluster_name) {
  // The library refuses a longer one too, but only once the member starts: say it with the flag.
  if (cluster_name_.size() > kMaxClusterNameBytes)
    throw OptionError("security.cluster_name (--cluster-name): longer than " +
                      std::to_string(kMaxClusterNameBytes) + " bytes");

  std::optional<KeyringContents> stored;
  if (!file_.empty()) stored = read_keyring_file(file_);
  if (stored) {
    if (!security.keys.empty())
      throw OptionError("security.keys (--key): the keyring file " + file_ +
                        " exists and is the keyring; drop --key (to start over from --key, "
                        "remove the file)");
    if (security.encryption)
      throw OptionError("security.encryption (--encryption): the keyring file " + file_ +
                        " holds the encryption stage; drop --encryption (change the stage at run "
                        "time: `convoy keyring encryption STAGE`)");
    for (const std::string& key : stored->keys) keys_.push_back({*key_id(key), trimmed(key)});
    encryption_ = stored->encryption;
    source_ = "from the keyring file " + file_;
    return;
  }

  for (std::size_t i = 0; i < security.keys.size(); ++i) {
    const std::string id = parse_security_key("security.keys (--key)", security.keys[i]);
    for (const HeldKey& earlier : keys_)
      if (earlier.id == id)
        throw OptionError("security.keys (--key): key " + id + " is given twice");
    keys_.push_back({id, trimmed(security.keys[i])});
  }
  encryption_ =
      security.encryption.value_or(keys_.empty() ? Encryption::off : Encryption::required);
  if (encryption_ != Encryption::off && keys_.empty())
    throw OptionError("security.encryption (--encryption): " + std::string(to_string(encryption_)) +
                      " needs a key: give --key (`convoy keygen` makes one)");
  source_ = "from the configuration";
  if (!file_.empty()) {
    std::filesystem::path folder = std::filesystem::path(file_).parent_path();
    std::error_code ec;
    if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
      throw OptionError("security.keyring_file (--keyring-file): the folder " + folder.string() +
                        " does not exist");
    create_file_ = true;
    source_ += " (the keyring file " + file_ + " is created once the member runs)";
  }
}

SecurityOptions AgentKeyring::start_options() const {
  std::lock_guard lock(mutex_);
  SecurityOptions options;
  options.cluster_name = cluster_name_;
  // Keys with encryption off are installed and not used: a rollout's first step.
  options.encryption = encryption_;
  for (const HeldKey& k : keys_) options.keys.push_back(k.key);
  return options;
}

std::string AgentKeyring::describe() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const HeldKey& k : keys_) ids.push_back(k.id);
  return "keyring: " + ids_text(ids) + "; encryption " + std::string(to_string(encryption_)) +
         "; cluster name " + nlohmann::json(cluster_name_).dump() + "; " + source_;
}

void AgentKeyring::attach(Host& host, LogOutput& log) {
  std::lock_guard lock(mutex_);
  host_ = &host;
  log_ = &log;
  if (create_file_) {
    save("the keyring file was created");
    create_file_ = false;
    source_ = "from the configuration, saved in the new keyring file " + file_;
  }
  if (!file_.empty() && others_may_read(file_))
    log.write(LogLevel::warn, "keyring: the keyring file " + file_ +
                                  " may be read by other users; it holds keys (chmod 600)");
}

KeyringStatus AgentKeyring::status() const {
  return host_->keyring();
}

void AgentKeyring::install(std::string_view key) {
  std::lock_guard lock(mutex_);
  const std::string text = trimmed(key);
  host_->install_key(text);
  const std::string id = id_of(text);
  std::vector<HeldKey> candidates = keys_;
  candidates.push_back({id, text});
  after_change("installed key " + id, std::move(candidates));
}

void AgentKeyring::use(std::string_view key_or_id) {
  std::lock_guard lock(mutex_);
  host_->use_key(key_or_id);
  after_change("key " + id_of(key_or_id) + " is the primary", keys_);
}

void AgentKeyring::remove(std::string_view key_or_id) {
  std::lock_guard lock(mutex_);
  host_->remove_key(key_or_id);
  after_change("removed key " + id_of(key_or_id), keys_);
}

void AgentKeyring::set_encryption(Encryption encryption) {
  std::lock_guard lock(mutex_);
  const Encryption before = encryption_;
  host_->set_encryption(encryption);
  after_change(
      "encryption " + std::string(to_string(before)) + " -> " + std::string(to_string(encryption)),
      keys_);
}

void AgentKeyring::after_change(const std::string& what, std::vector<HeldKey> candidates) {
  const KeyringStatus now = host_->keyring();
  std::vector<HeldKey> next;
  for (const std::string& id : now.key_ids) {
    auto held = std::find_if(candidates.begin(), candidates.end(),
                             [&id](const HeldKey& k) { return k.id == id; });
    // Only the agent changes the keyring, and it holds every key it gave: a key it does not hold
    // would be one it could never write to the file.
    if (held == candidates.end())
      throw std::logic_error("the member's keyring holds key " + id + ", which the agent lacks");
    next.push_back(*held);
  }
  const auto same_ids = std::equal(next.begin(), next.end(), keys_.begin(), keys_.end(),
                                   [](const HeldKey& a, const HeldKey& b) { return a.id == b.id; });
  if (same_ids && now.encryption == encryption_) return;  // it was so already: nothing to save
  keys_ = std::move(next);
  encryption_ = now.encryption;
  log_->write(LogLevel::info,
              "keyring: " + what + "; now " + ids_text(now.key_ids) + ", encryption " +
                  std::string(to_string(encryption_)),
              {{"event", "keyring_changed"},
               {"keys", now.key_ids},
               {"encryption", std::string(to_string(encryption_))}});
  save(what);
}

void AgentKeyring::save(const std::string& why) {
  if (file_.empty()) return;
  KeyringContents contents;
  for (const HeldKey& k : keys_) contents.keys.push_back(k.key);
  contents.encryption = encryption_;
  try {
    write_keyring_file(file_, contents);
  } catch (const std::exception& e) {
    const std::string message = "the member's keyring changed (" + why +
                                ") but the keyring file was not written: " + e.what() +
                                "; a restart would bring back the file's keyring";
    log_->write(LogLevel::error, "keyring: " + message);
    throw KeyringNotSaved(message);
  }
}

}  // namespace convoy::app
