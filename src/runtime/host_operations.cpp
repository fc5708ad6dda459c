// HostCore: what the program asks of a host — starting, joining (with backoff over seeds
// re-resolved on every attempt), leaving, writes, administration and metrics — each handed to
// the io thread as a turn (see host_core.hpp).
#include "runtime/address_resolution.hpp"
#include "runtime/host_core.hpp"

#include <convoy/error.hpp>

#include <spdlog/logger.h>

#include <algorithm>
#include <cmath>

namespace convoy::detail {
namespace {

WriteResult stopped_result() {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = "the host is not running";
  return r;
}

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string(d.count() / 1000) + "." + std::to_string(d.count() % 1000 / 100) + " s";
}

}  // namespace

void HostCore::start_alone() {
  on_io([this] {
    turn([&] { engine_->start(now()); });
    running_ = !stopped_;
  });
  std::lock_guard lock(join_mutex_);
  join_state_ = JoinState::joined;
  log_->info("started a new cluster");
}

void HostCore::join(const std::vector<std::string>& seeds) {
  if (seeds.empty())
    throw Error(ErrorCode::invalid_argument,
                "no seeds to join through; start a new cluster instead");
  const auto deadline = std::chrono::steady_clock::now() + options_.join_timeout;
  std::chrono::milliseconds backoff(250);
  std::vector<std::string> reasons(seeds.size(), "no answer");
  std::vector<std::vector<Address>> seed_addresses(seeds.size());
  {
    std::lock_guard lock(join_mutex_);
    refused_by_.clear();
  }
  // Every seed address refused our packets (a refusal notice from each): no answer will come
  // while the keys or cluster names differ, so the join ends now and says why. Under join_mutex_.
  auto every_seed_refused = [&](const std::vector<Address>& addresses) {
    return !addresses.empty() &&
           std::all_of(addresses.begin(), addresses.end(), [&](const Address& a) {
             return std::any_of(refused_by_.begin(), refused_by_.end(),
                                [&](const auto& r) { return r.first == a; });
           });
  };
  bool refused = false;
  for (int attempt = 1;; ++attempt) {
    // Names are resolved again on every attempt: a seed's address may change while we wait.
    std::vector<Address> addresses;
    asio::io_context resolver;
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      try {
        seed_addresses[i] = runtime::resolve_seed(resolver, seeds[i]);
        for (const Address& a : seed_addresses[i]) addresses.push_back(a);
      } catch (const Error& e) {
        if (e.code() == ErrorCode::invalid_argument) throw;
        reasons[i] = e.what();
      }
    }
    if (!addresses.empty()) {
      {
        std::lock_guard lock(join_mutex_);
        join_state_ = JoinState::pending;
      }
      const bool at_once = on_io([&] {
        bool joined = false;
        turn([&] {
          engine_->join(addresses, now());
          joined = engine_->joined();  // every seed was ourselves: a cluster of one
        });
        running_ = !stopped_;
        return joined;
      });
      std::unique_lock lock(join_mutex_);
      if (at_once) join_state_ = JoinState::joined;
      join_changed_.wait_until(lock, deadline, [&] {
        return join_state_ != JoinState::pending || every_seed_refused(addresses);
      });
      if (join_state_ == JoinState::joined) {
        log_->info("joined through {} on attempt {}", seeds.front(), attempt);
        return;
      }
      if (join_state_ == JoinState::failed && join_failure_ == "the host stopped")
        throw Error(ErrorCode::not_running, "the host stopped while joining");
      if (every_seed_refused(addresses)) {
        refused = true;
        break;
      }
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds(0)) break;
    std::unique_lock lock(join_mutex_);
    join_changed_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(backoff, left),
                           [&] { return join_state_ == JoinState::joined; });
    if (join_state_ == JoinState::joined) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  {
    // A seed that answered with a refusal notice: say why rather than "no answer".
    std::lock_guard lock(join_mutex_);
    for (std::size_t i = 0; i < seeds.size(); ++i)
      for (const auto& [peer, refusal] : refused_by_)
        if (std::find(seed_addresses[i].begin(), seed_addresses[i].end(), peer) !=
            seed_addresses[i].end())
          reasons[i] = "refused our packets: " + std::string(runtime::explain(refusal));
  }
  std::string tried;
  for (std::size_t i = 0; i < seeds.size(); ++i)
    tried += (i ? ", " : "") + seeds[i] + " (" + reasons[i] + ")";
  if (refused)
    throw Error(ErrorCode::join_failed,
                "could not join a cluster through " + tried +
                    "; check that the key, the encryption stage and the cluster name match the "
                    "cluster's");
  throw Error(ErrorCode::join_failed, "could not join a cluster within " +
                                          seconds_text(options_.join_timeout) + " through " +
                                          tried + "; check the seeds are running and reachable");
}

void HostCore::record_refusal(const Address& peer, runtime::Refusal refusal) {
  {
    std::lock_guard lock(join_mutex_);
    const auto same = [&](const auto& r) { return r.first == peer && r.second == refusal; };
    if (std::any_of(refused_by_.begin(), refused_by_.end(), same)) return;  // said already
    std::erase_if(refused_by_, [&](const auto& r) { return r.first == peer; });
    // Bounded: only what a join may need to report, the oldest goes first.
    if (refused_by_.size() >= kRefusalsKept) refused_by_.erase(refused_by_.begin());
    refused_by_.emplace_back(peer, refusal);
  }
  join_changed_.notify_all();  // a join waiting on this seed may end now
  log_->warn("{} refused our packets: {}", peer.to_string(), runtime::explain(refusal));
}

void HostCore::leave(std::chrono::milliseconds timeout) {
  if (!running_.load()) return;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    on_io([this] { turn([&] { engine_->leave(now()); }); });
    log_->info("leaving the cluster");
    // The news that we left goes out with the next gossip rounds; wait until nothing is left
    // to send (bounded), checking on the io thread.
    for (;;) {
      // Spread: sent as often as any rumour is, or there is nobody left to tell.
      const bool spread = on_io([this] {
        const std::size_t others =
            engine_->count(MemberStatus::alive) + engine_->count(MemberStatus::suspect);
        return !engine_->announcing_self() || others == 0;
      });
      if (spread || std::chrono::steady_clock::now() >= deadline) break;
      std::unique_lock lock(join_mutex_);
      join_changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
  } catch (const std::future_error&) {
  }
  shutdown();
}

// ---------------------------------------------------------------------------------------------
// Writes and administration

void HostCore::write(Op op, const MemberId& owner, std::string key, std::string value,
                     std::optional<Expectation> expected, std::function<void(WriteResult)> done) {
  std::unique_lock posting(post_mutex_);
  if (drained_) {
    // shutdown() has run the io queue for the last time: nothing posted now would ever run.
    posting.unlock();
    if (done) done(stopped_result());
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  const bool remote = owner != id_;
  auto finish = [this, done = std::move(done), started, remote](const WriteResult& r) {
    // Runs at the end of the turn, after the commit: the write is durable by then.
    completions_.push_back([this, done, r, started, remote] {
      if (remote) record_remote_write(r, std::chrono::steady_clock::now() - started);
      if (done) hub_.post([done, r] { done(r); });
    });
  };
  asio::post(io_, [this, op, owner, key = std::move(key), value = std::move(value), expected,
                   finish = std::move(finish)]() mutable {
    if (stopped_ || !running_.load()) {
      // finish() itself queues the answer as a completion; this flush runs it.
      finish(stopped_result());
      flush();
      return;
    }
    turn([&] {
      if (op == Op::put)
        engine_->put(owner, key, value, expected, now(), finish);
      else
        engine_->erase(owner, key, expected, now(), finish);
    });
  });
}

std::chrono::milliseconds HostCore::remote_write_wait() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             options_.config.store.write_timeout) +
         std::chrono::seconds(1);
}

bool HostCore::evict(const MemberId& target) {
  if (!running_.load()) return false;
  try {
    return on_io([&] {
      bool known = false;
      turn([&] { known = engine_->evict(target, now()); });
      return known;
    });
  } catch (const std::future_error&) {
    return false;
  }
}

bool HostCore::fail(const MemberId& target) {
  if (!running_.load()) return false;
  try {
    return on_io([&] {
      bool known = false;
      turn([&] { known = engine_->fail(target, now()); });
      return known;
    });
  } catch (const std::future_error&) {
    return false;
  }
}

Subscription HostCore::subscribe(EventFilter filter, std::function<void(const Event&)> callback) {
  return hub_.subscribe(std::move(filter), std::move(callback));
}

void HostCore::record_remote_write(const WriteResult& result,
                                   std::chrono::steady_clock::duration took) {
  ++remote_.remote_writes;
  switch (result.status) {
    case WriteStatus::done:
      ++remote_.remote_writes_done;
      break;
    case WriteStatus::conflict:
      ++remote_.remote_writes_conflict;
      break;
    case WriteStatus::failed:
      ++remote_.remote_writes_failed;
      return;  // settled at once: no round trip to time
    case WriteStatus::unknown:
      ++remote_.remote_writes_unknown;
      return;
  }
  if (remote_.remote_write_latency_bounds.empty()) {
    remote_.remote_write_latency_bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
    remote_.remote_write_latency_counts.assign(remote_.remote_write_latency_bounds.size(), 0);
  }
  const double seconds = std::chrono::duration<double>(took).count();
  for (std::size_t i = 0; i < remote_.remote_write_latency_bounds.size(); ++i)
    if (seconds <= remote_.remote_write_latency_bounds[i]) ++remote_.remote_write_latency_counts[i];
  remote_.remote_write_latency_sum += seconds;
  ++remote_.remote_write_latency_count;
}

// ---------------------------------------------------------------------------------------------
// Keyring

KeyringStatus HostCore::keyring() {
  try {
    return on_io([this] { return guard_->status(); });
  } catch (const std::future_error&) {
    throw Error(ErrorCode::not_running, "the host is not running");
  }
}

void HostCore::change_keyring(const std::function<void(runtime::PacketGuard&)>& change) {
  // The guard's refusal comes back as a value and is thrown anew on the caller's thread: an
  // exception carried across threads by the future is shared between them, and its reference
  // count lives in the uninstrumented C++ runtime, where ThreadSanitizer cannot see it.
  std::optional<std::pair<ErrorCode, std::string>> refused;
  try {
    on_io([&] {
      try {
        change(*guard_);
      } catch (const Error& e) {
        refused.emplace(e.code(), e.what());
      }
    });
  } catch (const std::future_error&) {
    throw Error(ErrorCode::not_running, "the host is not running");
  }
  if (refused) throw Error(refused->first, refused->second);
}

// ---------------------------------------------------------------------------------------------
// Metrics

Metrics HostCore::metrics() {
  auto collect = [this] {
    Metrics m = remote_;
    const core::EngineStats& s = engine_->stats();
    m.members_alive = engine_->count(MemberStatus::alive);
    m.members_suspect = engine_->count(MemberStatus::suspect);
    m.members_dead = engine_->count(MemberStatus::dead);
    m.members_left = engine_->count(MemberStatus::left);
    m.incarnation = engine_->incarnation();
    m.health_score = engine_->health_score();
    m.probes_sent = s.probes_sent;
    m.probes_failed = s.probes_failed;
    m.indirect_probes_sent = s.indirect_probes_sent;
    m.suspicions = s.suspicions_raised;
    m.members_declared_dead = s.members_declared_dead;
    m.refutations = s.refutations;
    m.datagrams_sent = s.datagrams_sent;
    m.datagrams_received = s.datagrams_received;
    m.stream_messages_sent = s.streams_sent;
    m.stream_messages_received = s.streams_received;
    m.bytes_sent = s.bytes_sent;
    m.bytes_received = s.bytes_received;
    for (std::size_t i = 0; i < s.rejected.size(); ++i)
      m.rejected_packets.emplace_back(
          std::string(wire::to_string(static_cast<wire::DecodeError>(i))), s.rejected[i]);
    m.rejected_packets.emplace_back("unexpected", s.unexpected);
    for (auto& reason : guard_->rejected()) m.rejected_packets.push_back(std::move(reason));
    m.updates_piggybacked = s.updates_piggybacked;
    m.deltas_piggybacked = s.deltas_piggybacked;
    m.broadcast_queue_depth = engine_->pending_broadcasts();
    m.push_pulls = s.push_pulls;
    m.store_digests_sent = s.store_digests_sent;
    m.store_syncs_sent = s.store_syncs_sent;
    const core::StoreReplica& own = engine_->own_store();
    m.store_keys = own.live_count();
    own.for_each(
        [&](const wire::StoreItem& item) { m.store_bytes += item.key.size() + item.value.size(); });
    m.store_version = own.version();
    m.subscriptions = hub_.count();
    m.subscription_events_dropped = hub_.dropped();
    const runtime::TransportStats t = transport_->stats();
    m.connections_open = t.connections_opened + t.connections_accepted - t.connections_closed;
    m.connections_refused = t.connections_refused;
    m.stream_timeouts = t.connect_timeouts + t.read_timeouts + t.write_timeouts;
    return m;
  };
  try {
    return on_io(collect);
  } catch (const std::future_error&) {
    return Metrics{};
  }
}

}  // namespace convoy::detail
