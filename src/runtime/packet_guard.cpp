// PacketGuard: see the header.
#include "runtime/packet_guard.hpp"

#include <convoy/error.hpp>

#include <spdlog/logger.h>

#include <algorithm>
#include <stdexcept>

namespace convoy::runtime {
namespace {

constexpr std::array<std::uint8_t, 4> kNoticeMagic{'C', 'N', 'V', 'R'};
constexpr std::uint8_t kNoticeVersion = 1;
constexpr std::size_t kNoticeSize = kNoticeMagic.size() + 2;
constexpr std::chrono::seconds kLogEvery{60};

Refusal from_open_error(crypto::OpenError e) {
  switch (e) {
    case crypto::OpenError::too_short:
      return Refusal::sealed_too_short;
    case crypto::OpenError::unsupported_version:
      return Refusal::sealed_unsupported_version;
    case crypto::OpenError::other_cluster:
      return Refusal::other_cluster;
    case crypto::OpenError::unknown_key:
      return Refusal::unknown_key;
    case crypto::OpenError::forged:
      return Refusal::forged;
  }
  return Refusal::forged;
}

Encryption stage_of(const SecurityOptions& options) {
  return options.encryption.value_or(options.keys.empty() ? Encryption::off : Encryption::required);
}

crypto::Keyring keyring_from(const SecurityOptions& options) {
  std::vector<crypto::Key> keys;
  for (std::size_t i = 0; i < options.keys.size(); ++i) {
    auto key = crypto::Key::from_base64(options.keys[i]);
    if (!key)
      throw Error(ErrorCode::invalid_config,
                  "security.keys[" + std::to_string(i) +
                      "]: not a key (a key is 32 bytes in 44 characters of base64; "
                      "`convoy keygen` makes one)");
    for (const crypto::Key& earlier : keys)
      if (earlier.id() == key->id())
        throw Error(ErrorCode::invalid_config, "security.keys[" + std::to_string(i) + "]: key " +
                                                   crypto::to_string(key->id()) +
                                                   " is listed twice");
    keys.push_back(*key);
  }
  if (keys.empty() && stage_of(options) != Encryption::off)
    throw Error(ErrorCode::invalid_config, "security.keys: encryption " +
                                               std::string(to_string(stage_of(options))) +
                                               " needs at least one key");
  static_assert(crypto::kMaxClusterName == kMaxClusterNameBytes);
  if (options.cluster_name.size() > kMaxClusterNameBytes)
    throw Error(ErrorCode::invalid_config, "security.cluster_name: longer than " +
                                               std::to_string(kMaxClusterNameBytes) + " bytes");
  return crypto::Keyring(std::move(keys));
}

}  // namespace

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::not_sealed:
      return "not_sealed";
    case Refusal::sealed_unexpected:
      return "sealed_unexpected";
    case Refusal::sealed_too_short:
      return "sealed_too_short";
    case Refusal::sealed_unsupported_version:
      return "sealed_unsupported_version";
    case Refusal::other_cluster:
      return "other_cluster";
    case Refusal::unknown_key:
      return "unknown_key";
    case Refusal::forged:
      return "forged";
  }
  return "forged";
}

std::string_view explain(Refusal refusal) {
  switch (refusal) {
    case Refusal::not_sealed:
      return "they are not sealed and encryption is required";
    case Refusal::sealed_unexpected:
      return "they are sealed and encryption is off";
    case Refusal::sealed_too_short:
      return "they are sealed but cut short";
    case Refusal::sealed_unsupported_version:
      return "they are sealed in an unknown format version";
    case Refusal::other_cluster:
      return "they are sealed for another cluster (the cluster name differs)";
    case Refusal::unknown_key:
      return "they are sealed with a key that is not in the keyring";
    case Refusal::forged:
      return "they fail authentication (tampered with, or sealed with another key of the same "
             "id)";
  }
  return "they fail authentication";
}

PacketGuard::PacketGuard(const SecurityOptions& options, std::shared_ptr<spdlog::logger> log)
    : keyring_(keyring_from(options)),
      sealer_(options.cluster_name),
      encryption_(stage_of(options)),
      log_(std::move(log)) {}

PacketGuard::Inbound PacketGuard::open(std::span<const std::uint8_t> bytes, const Address& from) {
  if (bytes.size() == kNoticeSize &&
      std::equal(kNoticeMagic.begin(), kNoticeMagic.end(), bytes.begin()) &&
      bytes[4] == kNoticeVersion && bytes[5] < kRefusalCount)
    return Inbound{Inbound::Kind::notice, {}, static_cast<Refusal>(bytes[5])};
  if (crypto::looks_sealed(bytes)) {
    if (encryption_ == Encryption::off) return refuse(Refusal::sealed_unexpected, from);
    if (auto error = sealer_.open(keyring_, bytes, opened_))
      return refuse(from_open_error(*error), from);
    return Inbound{Inbound::Kind::plaintext, opened_};
  }
  // Whatever else it is (a plaintext envelope, or junk the decoder will refuse and count).
  if (encryption_ == Encryption::required) return refuse(Refusal::not_sealed, from);
  return Inbound{Inbound::Kind::plaintext, bytes};
}

PacketGuard::Inbound PacketGuard::refuse(Refusal refusal, const Address& from) {
  const auto i = static_cast<std::size_t>(refusal);
  refused_[i].fetch_add(1, std::memory_order_relaxed);
  ++unlogged_[i];
  const auto now = std::chrono::steady_clock::now();
  if (logged_at_[i] == std::chrono::steady_clock::time_point{} ||
      now - logged_at_[i] >= kLogEvery) {
    log_->warn("refused {} packet{} ({}), the last from {}: {}", unlogged_[i],
               unlogged_[i] == 1 ? "" : "s", to_string(refusal), from.to_string(),
               explain(refusal));
    logged_at_[i] = now;
    unlogged_[i] = 0;
  }
  return Inbound{Inbound::Kind::refused, {}, refusal};
}

bool PacketGuard::sealing() const {
  return encryption_ == Encryption::send_sealed || encryption_ == Encryption::required;
}

void PacketGuard::seal(std::vector<std::uint8_t>& bytes) {
  if (!sealing()) return;
  sealer_.seal(*keyring_.primary(), bytes, sealed_);
  bytes.swap(sealed_);
}

std::vector<std::uint8_t> PacketGuard::notice(Refusal refusal) {
  std::vector<std::uint8_t> out(kNoticeMagic.begin(), kNoticeMagic.end());
  out.push_back(kNoticeVersion);
  out.push_back(static_cast<std::uint8_t>(refusal));
  return out;
}

KeyringStatus PacketGuard::status() const {
  KeyringStatus s;
  for (const crypto::KeyId id : keyring_.ids()) s.key_ids.push_back(crypto::to_string(id));
  s.encryption = encryption_;
  s.cluster_name = sealer_.cluster_name();
  return s;
}

crypto::KeyId PacketGuard::resolve(std::string_view key_or_id) const {
  if (const auto id = crypto::parse_key_id(key_or_id)) return *id;
  if (const auto key = crypto::Key::from_base64(key_or_id)) return key->id();
  throw Error(ErrorCode::invalid_argument,
              "neither a key id (8 hex digits) nor a key (44 characters of base64)");
}

void PacketGuard::install(std::string_view key_text) {
  const auto key = crypto::Key::from_base64(key_text);
  if (!key)
    throw Error(ErrorCode::invalid_argument,
                "not a key: a key is 32 bytes in 44 characters of base64 (`convoy keygen`)");
  switch (keyring_.install(*key)) {
    case crypto::Keyring::Change::done:
      log_->info("keyring: installed key {}", crypto::to_string(key->id()));
      return;
    case crypto::Keyring::Change::already:
      return;
    case crypto::Keyring::Change::id_collision:
      throw Error(ErrorCode::invalid_argument, "another key with the id " +
                                                   crypto::to_string(key->id()) +
                                                   " is installed; generate a new key");
    default:
      throw std::logic_error("Keyring::install: unexpected outcome");
  }
}

void PacketGuard::use(std::string_view key_or_id) {
  const crypto::KeyId id = resolve(key_or_id);
  switch (keyring_.use(id)) {
    case crypto::Keyring::Change::done:
      log_->info("keyring: sealing with key {} from now on", crypto::to_string(id));
      return;
    case crypto::Keyring::Change::already:
      return;
    case crypto::Keyring::Change::unknown_key:
      throw Error(ErrorCode::invalid_argument,
                  "key " + crypto::to_string(id) + " is not installed; install it first");
    default:
      throw std::logic_error("Keyring::use: unexpected outcome");
  }
}

void PacketGuard::remove(std::string_view key_or_id) {
  const crypto::KeyId id = resolve(key_or_id);
  switch (keyring_.remove(id)) {
    case crypto::Keyring::Change::done:
      log_->info("keyring: removed key {}", crypto::to_string(id));
      return;
    case crypto::Keyring::Change::unknown_key:
      throw Error(ErrorCode::invalid_argument,
                  "key " + crypto::to_string(id) + " is not installed");
    case crypto::Keyring::Change::is_primary:
      throw Error(ErrorCode::invalid_argument,
                  "key " + crypto::to_string(id) +
                      " is the primary (it seals what this member sends); make another key the "
                      "primary first");
    default:
      throw std::logic_error("Keyring::remove: unexpected outcome");
  }
}

void PacketGuard::set_encryption(Encryption encryption) {
  if (encryption != Encryption::off && keyring_.empty())
    throw Error(ErrorCode::invalid_argument, "encryption " + std::string(to_string(encryption)) +
                                                 " needs a key; install one first");
  if (encryption == encryption_) return;
  log_->info("encryption: {} -> {}", to_string(encryption_), to_string(encryption));
  encryption_ = encryption;
}

std::vector<std::pair<std::string, std::uint64_t>> PacketGuard::rejected() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < kRefusalCount; ++i)
    out.emplace_back(std::string(to_string(static_cast<Refusal>(i))),
                     refused_[i].load(std::memory_order_relaxed));
  return out;
}

}  // namespace convoy::runtime
