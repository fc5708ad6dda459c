// PacketGuard: the security layer between the transport and the engine. It seals what a host
// sends (when its encryption stage says so) and opens, or refuses, what arrives, so the engine
// only ever sees plaintext envelopes from members that hold a key of ours — or, in the plaintext
// stages, plaintext envelopes. A refused packet is counted by reason and logged (at most one line
// a minute per reason), never parsed.
//
// A refused *stream* message is answered with a refusal notice (below), unsealed, so that a
// member joining with the wrong key or cluster name hears why ("other cluster") instead of
// nothing. Only on streams: a TCP peer's address is proven by the handshake, so a notice cannot be
// reflected at a spoofed address the way a datagram answer could. A notice is never answered.
//
//   refusal notice:  | C N V R | 1 | reason |      (6 bytes)
//
// The notice is unauthenticated by nature (the two sides share no key): it only ever changes
// what a join failure says, never what the member does.
//
// Threading: the io thread only, except rejected(), which any thread may call.
#pragma once

#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"

#include <convoy/address.hpp>
#include <convoy/security.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace convoy::runtime {

/// Why a packet was refused: the metric's labels.
enum class Refusal : std::uint8_t {
  not_sealed,         ///< plaintext, and this host requires sealed packets
  sealed_unexpected,  ///< sealed, and this host has encryption off
  sealed_too_short,
  sealed_unsupported_version,
  other_cluster,  ///< sealed for a cluster of another name
  unknown_key,    ///< sealed with a key this host does not have
  forged,         ///< failed authentication
};
inline constexpr std::size_t kRefusalCount = 7;
[[nodiscard]] std::string_view to_string(Refusal refusal);
/// What a person should read: "they are sealed for another cluster (cluster name differs)".
[[nodiscard]] std::string_view explain(Refusal refusal);

class PacketGuard {
 public:
  /// Throws convoy::Error(invalid_config) naming the field: a key that is not one or is listed
  /// twice, encryption on without keys, a cluster name too long.
  PacketGuard(const SecurityOptions& options, std::shared_ptr<spdlog::logger> log);

  /// What arrived, after the guard: plaintext for the engine, a refusal, or a peer's refusal
  /// notice.
  struct Inbound {
    enum class Kind : std::uint8_t { plaintext, refused, notice };
    Kind kind;
    /// plaintext: the envelope for the engine (into the caller's bytes or the guard's scratch,
    /// valid until the next call).
    std::span<const std::uint8_t> bytes;
    /// refused: why we refused it; notice: why the peer refused ours.
    Refusal refusal = Refusal::forged;
  };
  [[nodiscard]] Inbound open(std::span<const std::uint8_t> bytes, const Address& from);

  /// True when what this host sends is sealed.
  [[nodiscard]] bool sealing() const;
  /// Seals `bytes` in place when sealing(); leaves them as they are otherwise.
  void seal(std::vector<std::uint8_t>& bytes);

  /// The refusal notice for `refusal`.
  [[nodiscard]] static std::vector<std::uint8_t> notice(Refusal refusal);

  // --- The keyring, changed at run time (rotation and rollout). Each throws
  // convoy::Error(invalid_argument) saying why it changed nothing. ---------------------------
  [[nodiscard]] KeyringStatus status() const;
  /// A base64 key. Installing a key that is there already is fine.
  void install(std::string_view key);
  /// An installed key, by base64 key or by id.
  void use(std::string_view key_or_id);
  /// An installed key other than the primary, by base64 key or by id.
  void remove(std::string_view key_or_id);
  /// Stages other than off need a key.
  void set_encryption(Encryption encryption);

  /// Packets refused, by reason (to_string(Refusal)), every reason listed. Any thread.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> rejected() const;

 private:
  Inbound refuse(Refusal refusal, const Address& from);
  [[nodiscard]] crypto::KeyId resolve(std::string_view key_or_id) const;

  crypto::Keyring keyring_;
  crypto::Sealer sealer_;
  Encryption encryption_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::uint8_t> opened_;  // the plaintext of the last sealed packet opened
  std::vector<std::uint8_t> sealed_;  // seal()'s scratch, swapped with the caller's bytes
  std::array<std::atomic<std::uint64_t>, kRefusalCount> refused_{};
  // Per reason: when the last line was logged, and how many refusals since.
  std::array<std::chrono::steady_clock::time_point, kRefusalCount> logged_at_{};
  std::array<std::uint64_t, kRefusalCount> unlogged_{};
};

}  // namespace convoy::runtime
