// HostCore: construction, the io thread, the turn discipline (hold what a turn sends until what
// it made durable is committed), and the engine's Environment (see host_core.hpp).
#include "runtime/host_core.hpp"
#include "runtime/thread_name.hpp"

#include "runtime/address_resolution.hpp"
#include "runtime/logger.hpp"
#include "runtime/loop_core.hpp"
#include "runtime/timer_grid.hpp"

#include <convoy/error.hpp>

#include <spdlog/logger.h>

#include <algorithm>
#include <random>

namespace convoy::detail {
namespace {

MemberId random_id() {
  std::random_device device;
  auto draw = [&] { return (std::uint64_t{device()} << 32) | device(); };
  MemberId id{draw(), draw()};
  if (id.is_nil()) id.lo = 1;
  return id;
}

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

std::unique_ptr<storage::Storage> open_storage(const HostOptions& options) {
  const MemberId fresh = options.id.value_or(random_id());
  if (options.data_dir.empty()) return storage::open_memory(fresh);
  storage::StorageOptions s;
  s.data_dir = options.data_dir;
  s.sync = options.durability == Durability::batched ? storage::SyncMode::per_batch
                                                     : storage::SyncMode::per_commit;
  auto opened = storage::open_lmdb(s, fresh);
  if (options.id && !opened->created() && opened->initial().id != *options.id)
    throw Error(ErrorCode::invalid_config, "data dir " + options.data_dir + " belongs to member " +
                                               opened->initial().id.to_string() + ", not " +
                                               options.id->to_string() +
                                               "; drop the id option or use another data dir");
  return opened;
}

runtime::TransportOptions transport_options(const HostOptions& options) {
  runtime::TransportOptions t;
  t.bind_host = options.bind_host;
  t.port = options.port;
  if (!options.advertise_host.empty()) t.advertise_host = options.advertise_host;
  // Room for the largest stream message the protocol may send, plus framing.
  t.max_frame = options.config.network.max_stream_message + 64 * 1024;
  t.max_queued_bytes = std::max(t.max_queued_bytes, t.max_frame * 2);
  return t;
}

core::RestoredState restored_from(const storage::DurableState& stored, bool created) {
  core::RestoredState r;
  // Above every incarnation the previous life used (the engine raises it further if the
  // cluster remembers more), and never the one it started with.
  r.incarnation = created ? 0 : stored.incarnation + 1;
  r.store_epoch = stored.store_epoch;
  r.store_version = stored.store_version;
  r.gc_version = stored.gc_version;
  for (const storage::StoredItem& item : stored.items)
    r.items.push_back(wire::StoreItem{item.key, item.value, item.version, item.deleted});
  return r;
}

}  // namespace

HostCore::HostCore(HostOptions options)
    : options_(std::move(options)),
      log_(runtime::make_logger("convoy", options_.log_level, options_.log_sink)),
      epoch_(std::chrono::steady_clock::now()),
      shared_loop_(options_.event_loop),
      own_io_(shared_loop_ ? std::nullopt : std::make_optional<asio::io_context>()),
      io_(shared_loop_ ? shared_loop_->core().io() : *own_io_),
      timer_(io_),
      refresh_timer_(io_),
      hub_(options_.subscription_capacity) {
  if (auto bad = options_.config.validate())
    throw Error(ErrorCode::invalid_config, "config: " + bad->to_string());
  guard_ = std::make_unique<runtime::PacketGuard>(options_.security, log_);
  storage_ = open_storage(options_);
  const storage::DurableState& stored = storage_->initial();
  id_ = stored.id;
  const core::RestoredState restored = restored_from(stored, storage_->created());
  if (!storage_->created()) {
    // The new life's incarnation is durable before anything can announce it.
    storage::Batch b;
    b.incarnation = restored.incarnation;
    storage_->commit(b);
    storage_->sync();
  }
  transport_ = std::make_unique<runtime::Transport>(io_, transport_options(options_),
                                                    static_cast<runtime::TransportHandler&>(*this));
  address_ = transport_->advertise_address();
  engine_ = std::make_unique<core::Engine>(options_.config, id_, address_, restored, random_seed(),
                                           static_cast<core::Environment&>(*this), now());
  feed_ = engine_->subscribe(EventFilter{}, 1u << 16);
  snapshots_.publish(*engine_, true);
  if (!shared_loop_) {
    work_.emplace(asio::make_work_guard(io_));
    io_thread_ = std::thread([this] {
      runtime::name_this_thread("convoy-io");
      io_.run();
    });
  }
  log_->info("member {} listening on {} (bound {}), incarnation {}{}", id_.to_string(),
             address_.to_string(), transport_->local_address().to_string(), restored.incarnation,
             options_.data_dir.empty() ? "" : ", data dir " + options_.data_dir);
}

HostCore::~HostCore() {
  shutdown();
}

core::TimePoint HostCore::now() const {
  return core::TimePoint(
      std::chrono::duration_cast<core::Duration>(std::chrono::steady_clock::now() - epoch_));
}

bool HostCore::on_io_thread() const {
  if (shared_loop_) return shared_loop_->core().on_thread();
  return std::this_thread::get_id() == io_thread_.get_id();
}

// ---------------------------------------------------------------------------------------------
// The end of a turn

void HostCore::end_turn() {
  drain_events();
  if (batch_pending_ && options_.durability == Durability::batched) {
    // Group commit: let the turns already queued add to this batch; one flush for them all.
    if (!flush_posted_) {
      flush_posted_ = true;
      asio::post(io_, [this] {
        flush_posted_ = false;
        flush();
      });
    }
  } else {
    flush();
  }
  if (engine_->evicted() && running_.load()) {
    log_->warn("this member was evicted from the cluster; it stops for good");
    stop_on_io();
  }
}

void HostCore::flush() {
  if (batch_pending_) {
    try {
      storage_->commit(batch_);
      storage_->sync();
    } catch (const std::exception& e) {
      // Nothing that depends on this batch may leave: the member cannot keep its promises any
      // more, so it stops (the cluster will see it fail) and says why.
      log_->error("cannot make state durable ({}); stopping this member", e.what());
      outgoing_.clear();
      batch_ = {};
      batch_pending_ = false;
      stop_on_io();
    }
    batch_ = {};
    batch_pending_ = false;
  }
  // Published before anything of this turn leaves: readers see a write before its writer hears
  // it is done (read-your-writes), and before a remote writer hears "done" from us.
  publish_snapshot();
  if (!stopped_) {
    for (Outgoing& o : outgoing_) {
      guard_->seal(o.bytes);
      switch (o.kind) {
        case Outgoing::Kind::datagram:
          transport_->send_datagram(o.to, o.bytes);
          break;
        case Outgoing::Kind::stream:
          transport_->send_stream(o.to, std::move(o.bytes));
          break;
        case Outgoing::Kind::reply:
          transport_->reply(o.stream, std::move(o.bytes));
          break;
      }
    }
  }
  outgoing_.clear();
  std::vector<std::function<void()>> done;
  done.swap(completions_);
  for (auto& c : done) c();
}

std::chrono::steady_clock::duration HostCore::member_refresh_interval() const {
  // At most ~0.5 % of a core on member-list copies while membership keeps changing, however
  // large the cluster or slow the machine; never more often than kMemberRefresh.
  return std::clamp<std::chrono::steady_clock::duration>(200 * snapshots_.member_list_cost(),
                                                         kMemberRefresh, kMemberRefreshMax);
}

void HostCore::publish_snapshot() {
  if (stopped_) {
    snapshots_.publish(*engine_, true);
    release_events();
    return;
  }
  const auto next_rebuild = snapshots_.member_list_built_at() + member_refresh_interval();
  if (snapshots_.publish(*engine_, std::chrono::steady_clock::now() >= next_rebuild)) {
    release_events();
    return;
  }
  // The member list changed again too soon after the last rebuild: one rebuild at the end of
  // the interval takes in everything until then; the events wait for it.
  if (refresh_armed_) return;
  refresh_armed_ = true;
  refresh_timer_.expires_at(next_rebuild);
  refresh_timer_.async_wait([this](const std::error_code& error) {
    refresh_armed_ = false;
    if (error || stopped_) return;
    publish_snapshot();
  });
}

void HostCore::release_events() {
  for (const Event& e : held_events_) {
    if (e.kind == Event::Kind::joined || e.kind == Event::Kind::join_failed) {
      {
        std::lock_guard lock(join_mutex_);
        if (join_state_ == JoinState::pending)
          join_state_ = e.kind == Event::Kind::joined ? JoinState::joined : JoinState::failed;
        join_failure_ = e.detail;
      }
      join_changed_.notify_all();
    }
    hub_.offer(e);
  }
  held_events_.clear();
}

void HostCore::drain_events() {
  while (std::optional<Event> e = feed_->poll()) {
    switch (e->kind) {
      case Event::Kind::key_set:
      case Event::Kind::key_deleted:
        snapshots_.store_changed(e->member);
        break;
      case Event::Kind::overflow:
        snapshots_.everything_changed();
        break;
      default:
        // Membership: the snapshot notices the engine's member list changed by itself.
        break;
    }
    log_event(*e);
    // Delivered once the published snapshot holds the change (release_events): a subscriber
    // that reads the directory on an event finds what the event told. (Host::join returns on
    // the same condition.)
    held_events_.push_back(std::move(*e));
  }
}

void HostCore::log_event(const Event& e) {
  const std::string who = e.member.to_string().substr(0, 8);
  switch (e.kind) {
    case Event::Kind::member_joined:
      log_->info("member {} joined at {}", who, e.address.to_string());
      break;
    case Event::Kind::member_suspect:
      log_->info("member {} is suspected of having failed", who);
      break;
    case Event::Kind::member_alive:
      log_->info("member {} is alive again (incarnation {})", who, e.incarnation);
      break;
    case Event::Kind::member_dead:
      log_->warn("member {} was declared dead", who);
      break;
    case Event::Kind::member_left:
      log_->info("member {} left", who);
      break;
    case Event::Kind::member_evicted:
      log_->warn("member {} was evicted", who);
      break;
    case Event::Kind::member_reaped:
      log_->debug("member {} forgotten", who);
      break;
    case Event::Kind::joined:
      log_->info("joined the cluster");
      break;
    case Event::Kind::join_failed:
      log_->warn("join failed: {}", e.detail);
      break;
    case Event::Kind::refuted:
      log_->info("refuted a suspicion of this member (incarnation {})", e.incarnation);
      break;
    case Event::Kind::rejoined:
      log_->warn("the cluster had declared this member dead; rejoined with incarnation {}",
                 e.incarnation);
      break;
    case Event::Kind::conflict:
      log_->error("{}", e.detail);
      break;
    case Event::Kind::evicted:
    case Event::Kind::key_set:
    case Event::Kind::key_deleted:
    case Event::Kind::overflow:
      break;
  }
}

void HostCore::stop_on_io() {
  if (stopped_) return;
  stopped_ = true;
  running_ = false;
  timer_.cancel();
  refresh_timer_.cancel();
  transport_->close();
  publish_snapshot();  // what the stopped member knew, and the events still held
  {
    std::lock_guard lock(join_mutex_);
    if (join_state_ == JoinState::pending) {
      join_state_ = JoinState::failed;
      join_failure_ = "the host stopped";
    }
  }
  join_changed_.notify_all();
}

void HostCore::shutdown() {
  if (shared_loop_) {
    drain_shared_loop();
    hub_.stop();
    running_ = false;
    return;
  }
  if (io_thread_.joinable()) {
    if (on_io_thread()) {
      // From inside a turn (a log sink, say): stop the member; the thread ends at destruction.
      stop_on_io();
      return;
    }
    try {
      on_io([this] { stop_on_io(); });
    } catch (const std::future_error&) {
    }
    work_.reset();
    io_.stop();
    io_thread_.join();
    // Whatever was still queued (writes asked for meanwhile) runs now and fails: a stopped turn
    // does nothing, and a write's completion reports that the host stopped.
    io_.restart();
    {
      // A write posted after this is answered by write() itself (see drained_).
      std::lock_guard lock(post_mutex_);
      drained_ = true;
    }
    io_.poll();
  }
  hub_.stop();
  running_ = false;
}

void HostCore::drain_shared_loop() {
  if (on_io_thread()) {
    // From inside a turn (a log sink, say): stop the member; the drain waits for the destructor,
    // which must then run on another thread.
    stop_on_io();
    return;
  }
  {
    std::lock_guard lock(post_mutex_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  try {
    on_io([this] { stop_on_io(); });
  } catch (const std::future_error&) {
  }
  {
    // From here write() answers "stopped" itself and on_io() refuses: nothing new is posted.
    std::lock_guard lock(post_mutex_);
    drained_ = true;
  }
  // What is still queued for this host (writes posted before, the aborted completions of the
  // sockets and timers stop_on_io() closed, a group commit's flush) runs before a marker posted
  // after it. The completions queued while stop_on_io() ran may reach the loop's queue only as
  // that handler returns, after our wait for it ended; and a handler may post once more: so the
  // marker goes round a few times, each time behind everything queued before it.
  std::promise<void> drained;
  std::function<void(int)> go_round = [&](int rounds) {
    asio::post(io_, [&, rounds] {
      if (rounds == 0)
        drained.set_value();
      else
        go_round(rounds - 1);
    });
  };
  go_round(3);
  drained.get_future().wait();
}

// ---------------------------------------------------------------------------------------------
// core::Environment: held until the end of the turn

void HostCore::send_datagram(const Address& to, std::span<const std::uint8_t> bytes) {
  outgoing_.push_back(Outgoing{Outgoing::Kind::datagram, to, 0,
                               std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
}

void HostCore::send_stream(const Address& to, std::vector<std::uint8_t> bytes) {
  outgoing_.push_back(Outgoing{Outgoing::Kind::stream, to, 0, std::move(bytes)});
}

void HostCore::reply(core::StreamId stream, std::vector<std::uint8_t> bytes) {
  outgoing_.push_back(Outgoing{Outgoing::Kind::reply, Address{}, stream, std::move(bytes)});
}

void HostCore::schedule(core::TimePoint at) {
  if (stopped_) return;
  const auto when =
      runtime::TimerGrid::arm_at(epoch_ + at.time_since_epoch(), std::chrono::steady_clock::now());
  // A new deadline on the same grid boundary: the armed timer serves it (re-arming would cost a
  // cancelled handler, and often a timerfd update, for nothing).
  if (timer_armed_ && when == timer_at_) return;
  timer_armed_ = true;
  timer_at_ = when;
  timer_.expires_at(when);
  timer_.async_wait([this](const std::error_code& error) { on_timer(error); });
}

void HostCore::on_timer(const std::error_code& error) {
  if (error == asio::error::operation_aborted) return;  // replaced by a later schedule()
  timer_armed_ = false;
  turn([&] { engine_->handle_timer(now()); });
}

void HostCore::notify(const Event&) {
  // Everything the engine tells arrives through the feed subscription, key events included,
  // in one order; see drain_events().
}

void HostCore::make_durable(const core::DurableChange& change) {
  storage::Batch& b = batch_;
  if (change.incarnation) b.incarnation = std::max(b.incarnation.value_or(0), *change.incarnation);
  if (change.store_epoch) b.store_epoch = change.store_epoch;
  if (change.store_version) b.store_version = change.store_version;
  if (change.gc_version) b.gc_version = change.gc_version;
  for (const wire::StoreItem& item : change.put_items) {
    std::erase(b.erase_keys, item.key);
    std::erase_if(b.put_items, [&](const storage::StoredItem& s) { return s.key == item.key; });
    b.put_items.push_back(storage::StoredItem{item.key, item.value, item.version, item.deleted});
  }
  for (const std::string& key : change.erase_keys) {
    std::erase_if(b.put_items, [&](const storage::StoredItem& s) { return s.key == key; });
    b.erase_keys.push_back(key);
  }
  batch_pending_ = true;
}

// ---------------------------------------------------------------------------------------------
// runtime::TransportHandler

void HostCore::on_datagram(const Address& from, std::span<const std::uint8_t> bytes) {
  // Notices come only on streams (packet_guard.hpp): one in a datagram is ignored.
  const runtime::PacketGuard::Inbound in = guard_->open(bytes, from);
  if (in.kind != runtime::PacketGuard::Inbound::Kind::plaintext) return;
  turn([&] { engine_->handle_datagram(from, in.bytes, now()); });
}

void HostCore::on_stream_failed(const Address& to) {
  // Deferred: this can be called while a turn's messages are being sent.
  asio::post(io_, [this, to] { turn([&] { engine_->stream_failed(to, now()); }); });
}

void HostCore::on_stream_message(runtime::StreamId stream, const Address& peer,
                                 std::span<const std::uint8_t> bytes) {
  const runtime::PacketGuard::Inbound in = guard_->open(bytes, peer);
  switch (in.kind) {
    case runtime::PacketGuard::Inbound::Kind::plaintext:
      turn([&] { engine_->handle_stream(stream, peer, in.bytes, now()); });
      return;
    case runtime::PacketGuard::Inbound::Kind::refused:
      transport_->reply(stream, runtime::PacketGuard::notice(in.refusal));
      return;
    case runtime::PacketGuard::Inbound::Kind::notice:
      record_refusal(peer, in.refusal);
      return;
  }
}

}  // namespace convoy::detail
