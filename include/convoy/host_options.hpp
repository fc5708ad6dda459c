// HostOptions: how a Host listens, what it advertises, where it keeps its durable state, and the
// protocol Config it runs. The defaults make a LAN member on port 7946 that keeps nothing on
// disk.
#pragma once

#include <convoy/config.hpp>
#include <convoy/event_loop.hpp>
#include <convoy/log.hpp>
#include <convoy/member_id.hpp>
#include <convoy/security.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace convoy {

/// When a write to the own store is durable.
enum class Durability : std::uint8_t {
  /// Every write is committed and flushed to disk (fsync) before it returns or leaves the
  /// machine. The safest; each write costs a disk flush.
  each_write,
  /// Writes that arrive together (in one turn of the protocol thread) share one commit and one
  /// flush; each still returns only once flushed. Much higher throughput under load, the same
  /// guarantee per acknowledged write.
  batched,
};

struct HostOptions {
  /// The address to listen on, UDP and TCP alike: an IP ("0.0.0.0", "::", "10.0.0.5") or a host
  /// name.
  std::string bind_host = "0.0.0.0";
  /// The port for both; 0 picks a free one (Host::address() tells which).
  std::uint16_t port = 7946;
  /// What other members use to reach this one. Empty: the bind address, or — when that is a
  /// wildcard — an address of this machine's interfaces that others can reach (never the
  /// wildcard, never loopback); if none can be picked, starting fails and says so.
  std::string advertise_host;

  /// Where the member id, its incarnation, its store epoch and its own store are kept across
  /// restarts (an LMDB environment). Empty: everything stays in memory.
  std::string data_dir;
  Durability durability = Durability::each_write;
  /// The member id for a new member (no data dir, or a new one). Empty: a random id. A data dir
  /// that already holds an id keeps its own; a different id here is an error.
  std::optional<MemberId> id;

  Config config = Config::lan();

  /// The keyring and encryption stage (security.hpp). The default: plaintext, no keys.
  /// Configuration is the whole truth at start: keyring changes made at run time
  /// (Host::install_key and the rest) last until the host stops; persist them by changing what
  /// is passed here (the agent rewrites its keyring file).
  SecurityOptions security;

  /// How long Host::join keeps trying the seeds (with backoff) before it gives up.
  std::chrono::milliseconds join_timeout = std::chrono::seconds(30);
  /// How long the destructor's graceful leave may take.
  std::chrono::milliseconds leave_timeout = std::chrono::seconds(3);

  /// Events a subscription may hold for a slow callback before it drops them (and says so with
  /// one `overflow` event).
  std::size_t subscription_capacity = 4096;

  LogLevel log_level = LogLevel::info;
  /// Where log lines go; empty: stderr.
  LogSink log_sink;

  /// The thread the host's protocol runs on: empty (the default) gives the host a thread of its
  /// own; a loop shared by several hosts of this process serves them all from one thread (see
  /// event_loop.hpp).
  std::shared_ptr<EventLoop> event_loop;
};

}  // namespace convoy
