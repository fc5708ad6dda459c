// HostCore: what a Host is inside. It owns the protocol engine and everything that drives it —
// one io thread (Asio; its own, or an EventLoop's that other hosts share) on which the engine,
// the transport and the timer run, the durable
// storage, the published directory snapshot, and the subscription dispatcher — and it is the
// engine's Environment.
//
// Every call into the engine is one *turn* on the io thread. During a turn, what the engine sends
// is held; at the end of the turn the durable changes it asked for are committed (with
// Durability::batched, once for all turns already queued: group commit), and only then does what
// it sent leave the machine, and do the writes it completed report back. So a restart can never
// reuse an incarnation or a store version that anyone has seen, and a write is acknowledged only
// once it would survive a crash. After the turn, the engine's events go to the subscriptions and
// the directory snapshot is rebuilt where something changed.
#pragma once

#include "core/engine.hpp"
#include "runtime/asio_config.hpp"
#include "runtime/directory_snapshot.hpp"
#include "runtime/packet_guard.hpp"
#include "runtime/subscription_hub.hpp"
#include "runtime/transport.hpp"
#include "runtime/transport_handler.hpp"
#include "storage/storage.hpp"

#include <convoy/event_loop.hpp>
#include <convoy/host_options.hpp>
#include <convoy/metrics.hpp>

#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace convoy::detail {

class HostCore final : private core::Environment, private runtime::TransportHandler {
 public:
  /// Opens the storage, binds the transport and builds the engine (not started). Throws
  /// convoy::Error.
  explicit HostCore(HostOptions options);
  ~HostCore() override;
  HostCore(const HostCore&) = delete;
  HostCore& operator=(const HostCore&) = delete;

  /// Starts as the first member of a new cluster.
  void start_alone();
  /// Joins through `seeds` (re-resolved on every attempt, with backoff) or throws
  /// Error(join_failed) saying what each seed did.
  void join(const std::vector<std::string>& seeds);
  /// Graceful leave: returns once the news has spread or `timeout` passed; then stops.
  void leave(std::chrono::milliseconds timeout);
  /// Stops at once. Idempotent. On a shared EventLoop it returns once no handler of this host
  /// is left on the loop.
  void shutdown();

  // --- Reads, any thread --------------------------------------------------------------------

  [[nodiscard]] const MemberId& id() const { return id_; }
  [[nodiscard]] const Address& address() const { return address_; }
  [[nodiscard]] bool running() const { return running_.load(); }
  [[nodiscard]] std::shared_ptr<const runtime::DirectorySnapshot> snapshot() const {
    return snapshots_.latest();
  }
  [[nodiscard]] Metrics metrics();

  // --- Writes and administration, any thread ------------------------------------------------

  enum class Op : std::uint8_t { put, erase };
  /// A write into `owner`'s store (ours included). `done` runs on the dispatcher thread once the
  /// write is settled (and, for our own store, durable).
  void write(Op op, const MemberId& owner, std::string key, std::string value,
             std::optional<Expectation> expected, std::function<void(WriteResult)> done);
  bool evict(const MemberId& target);
  bool fail(const MemberId& target);
  [[nodiscard]] Subscription subscribe(EventFilter filter,
                                       std::function<void(const Event&)> callback);

  /// The keyring's state (on the io thread). Throws Error(not_running) once stopped.
  [[nodiscard]] KeyringStatus keyring();
  /// Runs `change(guard)` on the io thread; its convoy::Error reaches the caller.
  void change_keyring(const std::function<void(runtime::PacketGuard&)>& change);

  /// How long a synchronous write into another member's store may wait for its answer.
  [[nodiscard]] std::chrono::milliseconds remote_write_wait() const;

 private:
  // core::Environment
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) override;
  void send_stream(const Address& to, std::vector<std::uint8_t> bytes) override;
  void reply(core::StreamId stream, std::vector<std::uint8_t> bytes) override;
  void schedule(core::TimePoint at) override;
  void notify(const Event& event) override;
  void make_durable(const core::DurableChange& change) override;
  // runtime::TransportHandler
  void on_datagram(const Address& from, std::span<const std::uint8_t> bytes) override;
  void on_stream_failed(const Address& to) override;
  void on_stream_message(runtime::StreamId stream, const Address& peer,
                         std::span<const std::uint8_t> bytes) override;

  /// Runs `f` as one turn on the io thread and returns its result, waiting for it (inline if
  /// already on the io thread).
  template <class F>
  auto on_io(F&& f) -> decltype(f());
  /// Runs `f(engine)` as a turn: the engine call, then the end of the turn.
  template <class F>
  void turn(F&& f);
  void end_turn();
  /// Commits what the turn made durable, then lets out what it sent and what it completed.
  void flush();
  void drain_events();
  /// Publishes the directory snapshot at the end of a turn. Store changes are published at
  /// once. The member list (O(members) to copy) is rebuilt when the engine's changed, events
  /// or not (a member seen alive at a higher incarnation while we held it alive moves on
  /// silently), but at most once per member_refresh_interval(): a change sooner waits for a
  /// timer, so a host taking hundreds of datagrams a second from a large cluster does not copy
  /// the member list for each. Events are held until the snapshot holds their change.
  void publish_snapshot();
  [[nodiscard]] std::chrono::steady_clock::duration member_refresh_interval() const;
  /// Hands the held events to the subscriptions and the join waiter.
  void release_events();
  void stop_on_io();
  /// shutdown() on a shared loop: waits until whatever this host left queued has run.
  void drain_shared_loop();
  void on_timer(const std::error_code& error);
  [[nodiscard]] core::TimePoint now() const;
  [[nodiscard]] bool on_io_thread() const;
  void log_event(const Event& e);
  /// A peer's refusal notice: kept for the join's failure message, and logged once.
  void record_refusal(const Address& peer, runtime::Refusal refusal);
  static constexpr std::size_t kRefusalsKept = 64;
  void record_remote_write(const WriteResult& result, std::chrono::steady_clock::duration took);

  struct Outgoing {
    enum class Kind : std::uint8_t { datagram, stream, reply };
    Kind kind;
    Address to;
    core::StreamId stream = 0;
    std::vector<std::uint8_t> bytes;
  };

  HostOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::steady_clock::time_point epoch_;
  // The io thread: an EventLoop's (shared_loop_) or this host's own (own_io_, io_thread_).
  std::shared_ptr<EventLoop> shared_loop_;
  std::optional<asio::io_context> own_io_;
  asio::io_context& io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;  ///< a wait on timer_ is pending, for timer_at_
  std::chrono::steady_clock::time_point timer_at_{};
  asio::steady_timer refresh_timer_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<runtime::Transport> transport_;
  // Seals what leaves and opens what arrives (io thread, but for its counters).
  std::unique_ptr<runtime::PacketGuard> guard_;
  // Peers that refused our packets, and why, from their refusal notices: what a failed join
  // reports (under join_mutex_).
  std::vector<std::pair<Address, runtime::Refusal>> refused_by_;
  MemberId id_;
  Address address_;
  std::unique_ptr<core::Engine> engine_;
  std::shared_ptr<core::Subscription> feed_;
  runtime::SnapshotPublisher snapshots_;
  runtime::SubscriptionHub hub_;
  std::thread io_thread_;
  std::atomic<bool> running_{false};
  bool stopped_ = false;  ///< io thread only

  // Pacing of member-list rebuilds (see publish_snapshot; io thread only).
  static constexpr std::chrono::milliseconds kMemberRefresh{50};
  static constexpr std::chrono::milliseconds kMemberRefreshMax{1000};
  bool refresh_armed_ = false;
  std::vector<Event> held_events_;

  // A turn's held effects (io thread only).
  std::vector<Outgoing> outgoing_;
  storage::Batch batch_;
  bool batch_pending_ = false;
  bool flush_posted_ = false;
  std::vector<std::function<void()>> completions_;

  // Writes and on_io() tasks are posted under post_mutex_; once drained_, shutdown() will not
  // run the io queue again (or has waited for it on a shared loop): write() answers "stopped"
  // itself and on_io() throws broken_promise instead of posting into the void.
  std::mutex post_mutex_;
  bool drained_ = false;
  bool shut_down_ = false;  ///< shutdown() ran (user threads, under post_mutex_)

  // Joining (the join loop waits on these).
  std::mutex join_mutex_;
  std::condition_variable join_changed_;
  enum class JoinState : std::uint8_t { idle, pending, joined, failed };
  JoinState join_state_ = JoinState::idle;
  std::string join_failure_;

  // Remote write outcomes and latencies (io thread writes, metrics() reads on the io thread).
  Metrics remote_{};
};

// The turn machinery is used by every file of HostCore.

template <class F>
auto HostCore::on_io(F&& f) -> decltype(f()) {
  using R = decltype(f());
  if (on_io_thread()) return f();
  std::packaged_task<R()> task(std::forward<F>(f));
  std::future<R> result = task.get_future();
  {
    std::lock_guard posting(post_mutex_);
    // After shutdown's last drain nothing posted would run (and on a shared loop it would run
    // on a host already torn down): the same broken_promise a dropped task gives.
    if (drained_) throw std::future_error(std::future_errc::broken_promise);
    // Wrapped: Asio treats a bare packaged_task as a completion token and takes its future.
    asio::post(io_, [task = std::move(task)]() mutable { task(); });
  }
  return result.get();  // a task dropped by shutdown throws broken_promise: callers catch it
}

template <class F>
void HostCore::turn(F&& f) {
  if (stopped_) return;
  f();
  end_turn();
}

}  // namespace convoy::detail
