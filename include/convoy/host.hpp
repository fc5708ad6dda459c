// Host: one member of a Convoy cluster, running in this process. It starts a cluster or joins
// one through seeds, keeps its own key/value store (replicated to every member), serves the
// directory (every member and every store, eventually consistent), and lives until the program
// ends it — when the cluster declares it failed (a real failure, a long pause, an operator's
// fail()), it rejoins by itself with a higher incarnation, keeping its id and store; only an
// eviction ends it from outside, and subscribers hear of it.
//
//   auto host = convoy::Host::join(options, {"10.0.0.1:7946"});
//   host->store().put("role", "web");
//   for (const auto& e : host->directory().find_by_key("role")) ...
//   auto sub = host->directory().subscribe({}, [](const convoy::Event& e) { ... });
//
// Threads: the protocol runs on one thread of the host's own (or on an EventLoop that several
// hosts of the process share: HostOptions::event_loop); every method may be called from any
// thread, and after shutdown() every call returns at once. Reads (directory, store().get) are
// served from a snapshot the protocol thread publishes, so they never wait for the network or hold
// the protocol back. Writes are handed to the protocol thread; a synchronous write waits for it
// (and, for another member's store, for that member's answer). Nothing here throws for ordinary
// outcomes: a compare-and-set conflict is a WriteResult, an unknown member an empty optional.
// Starting and joining throw convoy::Error with a message that says what to do.
#pragma once

#include <convoy/address.hpp>
#include <convoy/directory_entry.hpp>
#include <convoy/error.hpp>
#include <convoy/event.hpp>
#include <convoy/host_options.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>
#include <convoy/metrics.hpp>
#include <convoy/security.hpp>
#include <convoy/subscription.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convoy {

namespace detail {
class HostCore;
}  // namespace detail

/// This member's own store. Writes are compare-and-set when given an expectation, and
/// unconditional (whatever the key holds) otherwise; either way they are atomic. A write
/// returns once applied (and, with a data dir, durable); the change then spreads by itself.
class Store {
 public:
  explicit Store(std::shared_ptr<detail::HostCore> core);

  /// The live item at `key`; nullopt if absent or deleted.
  [[nodiscard]] std::optional<Item> get(std::string_view key) const;
  /// Every live item, by key.
  [[nodiscard]] std::map<std::string, Item> items() const;
  WriteResult put(std::string_view key, std::string_view value,
                  std::optional<Expectation> expected = std::nullopt);
  WriteResult erase(std::string_view key, std::optional<Expectation> expected = std::nullopt);

 private:
  std::shared_ptr<detail::HostCore> core_;
};

/// Another member's store (or this member's own), as a handle: reads come from the local
/// replica; writes are requests to the owner, which applies them as compare-and-set and spreads
/// the result. The answer is done, conflict (with the owner's current item), failed (the owner
/// is unknown or down, the key or value is invalid) or unknown (no answer in time: the write
/// may or may not have been applied; read, then retry with an expectation).
class MemberStore {
 public:
  MemberStore(std::shared_ptr<detail::HostCore> core, MemberId owner);

  [[nodiscard]] const MemberId& owner() const { return owner_; }
  /// The live item at `key` in our replica; nullopt if absent, deleted, or the owner is not an
  /// active member.
  [[nodiscard]] std::optional<Item> get(std::string_view key) const;

  /// Waits for the owner's answer (at most the store write timeout and a little more).
  WriteResult put(std::string_view key, std::string_view value,
                  std::optional<Expectation> expected = std::nullopt);
  WriteResult erase(std::string_view key, std::optional<Expectation> expected = std::nullopt);
  [[nodiscard]] std::future<WriteResult> put_async(
      std::string_view key, std::string_view value,
      std::optional<Expectation> expected = std::nullopt);
  [[nodiscard]] std::future<WriteResult> erase_async(
      std::string_view key, std::optional<Expectation> expected = std::nullopt);
  /// `done` runs on a thread of Convoy's, never under an internal lock.
  void put_async(std::string_view key, std::string_view value, std::optional<Expectation> expected,
                 std::function<void(WriteResult)> done);
  void erase_async(std::string_view key, std::optional<Expectation> expected,
                   std::function<void(WriteResult)> done);

 private:
  std::shared_ptr<detail::HostCore> core_;
  MemberId owner_;
};

/// One member, by id: what this host knows of it, and its store.
class MemberRef {
 public:
  MemberRef(std::shared_ptr<detail::HostCore> core, MemberId id);

  [[nodiscard]] const MemberId& id() const { return id_; }
  /// Our view of the member, whatever its status; nullopt if unknown (or forgotten).
  [[nodiscard]] std::optional<Member> info() const;
  [[nodiscard]] MemberStore store() const;

 private:
  std::shared_ptr<detail::HostCore> core_;
  MemberId id_;
};

/// The merged view of all members and their stores. Dead, left and evicted members are not
/// part of it (known() still lists them until they are forgotten).
///
/// Reads never wait for the network: they read the latest published snapshot. A write into
/// this host's own store shows in it before the write returns. A change to the member list
/// shows at once after a quiet spell; while the list keeps changing (joins, a healing
/// partition) it shows within a short interval (50 ms; up to 1 s where copying the list is
/// slow: a very large cluster, a saturated machine), so a host busy with traffic does not copy
/// the list for every message.
class Directory {
 public:
  explicit Directory(std::shared_ptr<detail::HostCore> core);

  /// Active (alive and suspect) members, this one included.
  [[nodiscard]] std::vector<Member> all() const;
  /// Every member this host knows of, whatever its status, this one first.
  [[nodiscard]] std::vector<Member> known() const;
  [[nodiscard]] MemberRef member(const MemberId& id) const;
  /// The live value of `key` in active member `id`'s store.
  [[nodiscard]] std::optional<Item> value(const MemberId& id, std::string_view key) const;
  /// Every live item of active member `id`'s store.
  [[nodiscard]] std::vector<DirectoryEntry> items(const MemberId& id) const;
  [[nodiscard]] std::vector<DirectoryEntry> find_by_key(std::string_view key) const;
  [[nodiscard]] std::vector<DirectoryEntry> find_by_value(std::string_view value) const;
  [[nodiscard]] std::vector<DirectoryEntry> find_by_prefix(std::string_view key_prefix) const;
  /// Every live item of every active member that `pred` accepts.
  [[nodiscard]] std::vector<DirectoryEntry> search(
      const std::function<bool(const DirectoryEntry&)>& pred) const;

  /// Calls `callback` with every event that passes `filter`, from now until the returned handle
  /// is destroyed or cancelled. An event is delivered once this directory's reads show its
  /// change, so a callback that reads the directory finds what the event told (or newer).
  [[nodiscard]] Subscription subscribe(EventFilter filter,
                                       std::function<void(const Event&)> callback);

 private:
  std::shared_ptr<detail::HostCore> core_;
};

class Host {
 public:
  /// Starts the first member of a new cluster. Throws convoy::Error (address_unavailable,
  /// invalid_config, data_dir_*, io).
  [[nodiscard]] static std::unique_ptr<Host> start(HostOptions options);
  /// Starts a member and joins the cluster through `seeds` ("host:port"; names are resolved
  /// again on every attempt), trying them in turn with backoff for options.join_timeout. Throws
  /// convoy::Error(join_failed) naming the seeds tried and what each answered, or the errors of
  /// start().
  [[nodiscard]] static std::unique_ptr<Host> join(HostOptions options,
                                                  const std::vector<std::string>& seeds);

  /// Leaves gracefully (within options.leave_timeout), then stops.
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  [[nodiscard]] MemberId id() const;
  /// This member as the cluster sees it (its incarnation rises when it refutes or rejoins).
  [[nodiscard]] Member self() const;
  /// The advertised address, with the port actually bound.
  [[nodiscard]] Address address() const;
  /// False once the host has left, shut down, or been evicted.
  [[nodiscard]] bool running() const;

  Store& store();
  Directory& directory();

  /// Removes `id` from the cluster for good (it stops and does not come back). False if `id` is
  /// unknown here.
  bool evict(const MemberId& id);
  /// Declares `id` failed; a member that is in fact alive rejoins with a higher incarnation.
  /// False if `id` is unknown here.
  bool fail(const MemberId& id);

  [[nodiscard]] Metrics metrics() const;

  // --- Keyring and encryption, changed while running (docs/runtime.md, "Security"). Rotation:
  // install the new key on every member, then make it the primary on every member, then remove
  // the old one from every member. Each throws convoy::Error(invalid_argument) saying why it
  // changed nothing, or Error(not_running).

  /// The keys (ids only, the primary first), the encryption stage and the cluster name.
  [[nodiscard]] KeyringStatus keyring() const;
  /// Adds a key (base64) that opens packets; installing one that is there is fine.
  void install_key(std::string_view key);
  /// Makes an installed key (base64, or its id) the one that seals what this host sends.
  void use_key(std::string_view key_or_id);
  /// Removes an installed key (base64, or its id) other than the primary.
  void remove_key(std::string_view key_or_id);
  /// Moves to another encryption stage (rollout: off, accept_sealed, send_sealed, required,
  /// every member reaching one before any moves on). Stages other than off need a key.
  void set_encryption(Encryption encryption);

  /// Tells the cluster this member is leaving (others see it as left, not failed) and returns
  /// once the news has spread or `timeout` passed; then the host stops.
  void leave(std::chrono::milliseconds timeout);
  /// Stops at once: the cluster will detect this member as failed.
  void shutdown();

 private:
  /// Only Host makes one, so only Host::start and Host::join build a Host.
  struct Key {
    explicit Key() = default;
  };

 public:
  Host(Key, std::shared_ptr<detail::HostCore> core, std::chrono::milliseconds leave_timeout);

 private:
  std::shared_ptr<detail::HostCore> core_;
  std::chrono::milliseconds leave_timeout_;
  Store store_;
  Directory directory_;
};

}  // namespace convoy
