// Node: one member's SWIM protocol engine. Pure and single-threaded: it owns no socket, clock,
// thread or hidden randomness. Its driver feeds it packets and timer ticks with the current
// time, and it acts only through the Environment. Same inputs, same outputs, byte for byte.
#pragma once

#include "core/broadcast_queue.hpp"
#include "core/config.hpp"
#include "core/environment.hpp"
#include "core/member_table.hpp"
#include "core/node_stats.hpp"
#include "core/probe_schedule.hpp"
#include "core/random.hpp"
#include "core/store_digest.hpp"
#include "core/store_replica.hpp"
#include "core/subscription.hpp"
#include "core/suspicion.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <convoy/item.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convoy::core {

/// A member as one node sees it.
struct MemberView {
  MemberId id;
  std::uint64_t incarnation = 0;
  MemberStatus status = MemberStatus::alive;
  Address address;
};

/// One match of a directory search.
struct DirectoryEntry {
  MemberId member;
  std::string key;
  Item item;
};

/// Completion of a write; called from inside the node's handlers (or from write() itself for
/// the node's own store and for immediate failures): it must not call back into the node.
using WriteCallback = std::function<void(const WriteResult&)>;

class Node {
 public:
  /// `incarnation` is the one to start with (a restarted member passes its persisted value + 1);
  /// `seed` feeds the node's only source of randomness.
  Node(Config config, MemberId self, Address advertise, std::uint64_t incarnation,
       std::uint64_t seed, Environment& env);

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Starts alone, as the first member of a cluster.
  void start(TimePoint now);
  /// Starts and joins through `seeds`, tried in order; a seed that does not answer within
  /// join_timeout is skipped. If none answers for join_rounds rounds: Event::join_failed.
  void join(std::span<const Address> seeds, TimePoint now);
  /// Graceful leave: the cluster is told this member left (not failed). The node then only
  /// answers probes until its driver drops it.
  void leave(TimePoint now);

  void handle_datagram(const Address& from, std::span<const std::uint8_t> bytes, TimePoint now);
  void handle_stream(const Address& from, std::span<const std::uint8_t> bytes, TimePoint now);
  void handle_timer(TimePoint now);

  [[nodiscard]] const MemberId& id() const { return self_.id; }
  [[nodiscard]] std::uint64_t incarnation() const { return self_.incarnation; }
  [[nodiscard]] const Address& address() const { return self_.address; }
  [[nodiscard]] bool joined() const { return joined_; }
  [[nodiscard]] bool has_left() const { return left_; }

  /// Members in `status`, this node included (it counts itself alive).
  [[nodiscard]] std::size_t count(MemberStatus status) const;
  /// This node's view of `id` (itself included); nullopt if unknown or reaped.
  [[nodiscard]] std::optional<MemberView> member(const MemberId& id) const;
  /// Every member this node knows, itself first.
  [[nodiscard]] std::vector<MemberView> members() const;
  [[nodiscard]] const NodeStats& stats() const { return stats_; }
  /// Lifeguard's local health score: 0 is healthy.
  [[nodiscard]] std::uint32_t health_score() const { return awareness_; }
  /// Updates and store deltas still queued for piggybacking (0: nothing left to spread).
  [[nodiscard]] std::size_t pending_broadcasts() const {
    return queue_.size() + store_queue_.size();
  }
  /// True once the cluster evicted this member: it stops taking part and never comes back.
  [[nodiscard]] bool evicted() const { return evicted_; }

  // --- Stores (node_store.cpp) ----------------------------------------------------------------

  /// Compare-and-set put (or, with `erase`, delete) of `key` in `owner`'s store. For this node's
  /// own store the write is applied at once; for another member's it goes to that member, which
  /// applies it and spreads the result, and `done` runs when the answer arrives, or with
  /// `failed` if the owner is unknown, not alive, or silent for write_timeout.
  void write(const MemberId& owner, std::string_view key, std::string_view value,
             std::uint64_t expected_version, bool erase, TimePoint now, WriteCallback done);

  /// This node's own store.
  [[nodiscard]] const StoreReplica& own_store() const { return own_store_; }
  /// This node's replica of `owner`'s store (its own included); nullptr if it holds none.
  [[nodiscard]] const StoreReplica* replica(const MemberId& owner) const;

  // --- Directory (node_directory.cpp) ---------------------------------------------------------

  /// Active (alive and suspect) members, this node included.
  [[nodiscard]] std::vector<MemberView> all() const;
  /// The live value of `key` in the store of active member `id`; nullopt if absent or deleted.
  [[nodiscard]] std::optional<Item> value(const MemberId& id, std::string_view key) const;
  /// Active members whose store holds `key` (live).
  [[nodiscard]] std::vector<DirectoryEntry> find_by_key(std::string_view key) const;
  /// (member, key) pairs of active members whose live value equals `value`.
  [[nodiscard]] std::vector<DirectoryEntry> find_by_value(std::string_view value) const;
  /// Every live item of every active member for which pred(member, key, value) holds.
  [[nodiscard]] std::vector<DirectoryEntry> search(
      const std::function<bool(const MemberId&, std::string_view, std::string_view)>& pred) const;
  /// A new subscription to directory changes; it lives as long as the caller holds it.
  [[nodiscard]] std::shared_ptr<Subscription> subscribe(SubscriptionFilter filter,
                                                        std::size_t capacity = 1024);

  // --- Administration ---------------------------------------------------------------------------

  /// Removes `id` from the cluster for good: every member marks it evicted (no incarnation
  /// overrides that) and the member itself stops. Returns false if `id` is unknown.
  bool evict(const MemberId& id, TimePoint now);
  /// Declares `id` failed (dead at its current incarnation). A live member hears of it and
  /// comes back with a higher incarnation. Returns false if `id` is unknown.
  bool fail(const MemberId& id, TimePoint now);

 private:
  struct PendingProbe {
    std::uint64_t seq = 0;
    std::uint32_t slot = 0;
    MemberId target;
    TimePoint sent_at;
    TimePoint indirect_at;  ///< when to fall back to indirect probes
    bool acked = false;
    bool indirect_sent = false;
    std::uint32_t nacks_expected = 0;
    std::uint32_t nacks_received = 0;
  };
  /// A PingReq we relay: our own ping's seq → who asked and with which seq.
  struct Relay {
    Address requester;
    std::uint64_t requester_seq = 0;
    TimePoint nack_at;
  };

  // Message handling.
  void dispatch(const Address& from, wire::Packet&& packet, bool via_stream, TimePoint now);
  void on_ping(const Address& from, const wire::Ping& ping);
  void on_ack(const wire::Ack& ack);
  void on_nack(const wire::Nack& nack);
  void on_ping_req(const Address& from, const wire::PingReq& req, TimePoint now);
  void on_join_request(const Address& from, const wire::JoinRequest& req, TimePoint now);
  void on_join_response(const Address& from, const wire::JoinResponse& resp, TimePoint now);
  void on_push_pull(const Address& from, const wire::PushPull& pp, TimePoint now);
  void on_store_digest(const Address& from, const wire::StoreDigest& digest);
  void on_store_digest_detail(const Address& from, const wire::StoreDigestDetail& detail);
  void on_store_sync(const Address& from, const wire::StoreSync& sync, TimePoint now);
  void on_store_write(const Address& from, const wire::StoreWrite& w, TimePoint now);
  void on_store_write_result(const wire::StoreWriteResult& r);

  // Membership rules.
  /// Where news came from: gossip is spread on; a joiner's download of the cluster's state is
  /// not (the cluster knows it already); a push-pull merge is, and reports deaths as suspicion.
  enum class ApplyMode : std::uint8_t { gossip, join_state, push_pull };
  /// Applies one piece of news; returns true if it changed our view.
  bool apply(const wire::MemberUpdate& update, TimePoint now, ApplyMode mode);
  static bool spreads(ApplyMode mode, MemberStatus status);
  void refute(std::uint64_t seen_incarnation);
  /// Tells the driver (Event) and the subscribers (DirectoryEvent) about a membership change.
  void member_event(Event::Kind kind, const MemberId& id, std::uint64_t incarnation,
                    const Address& address);
  void start_suspicion(std::uint32_t slot, TimePoint now);
  void declare_dead(std::uint32_t slot, TimePoint now);
  void enqueue(std::uint32_t slot);
  void enqueue_self();

  // Periodic work.
  void probe_tick(TimePoint now);
  void probe_progress(TimePoint now);
  void gossip_tick(TimePoint now);
  void push_pull_tick(TimePoint now);
  void reconnect_tick(TimePoint now);
  void join_progress(TimePoint now);
  void relay_progress(TimePoint now);
  void reap(TimePoint now);
  void reschedule(TimePoint now);
  void store_sync_tick(TimePoint now);
  void store_gc(TimePoint now);
  void write_timeouts(TimePoint now);

  // Stores.
  /// Queue key of an owner: 0 for this node, member slot + 1 otherwise.
  static constexpr std::uint32_t kSelfKey = 0;
  [[nodiscard]] StoreReplica* replica_for_key(std::uint32_t owner_key);
  [[nodiscard]] const StoreReplica* replica_for_key(std::uint32_t owner_key) const;
  [[nodiscard]] MemberId owner_id(std::uint32_t owner_key) const;
  void apply_delta(const wire::StoreDelta& delta, TimePoint now);
  void apply_snapshot(const wire::StoreSnapshot& snapshot, TimePoint now);
  /// Runs `change` on the replica of `owner_key`, then updates the digest and publishes what
  /// changed (queue for gossip if `spread`, key events for subscribers).
  template <class Change>
  bool change_replica(std::uint32_t owner_key, bool spread, Change&& change);
  void enqueue_item(std::uint32_t owner_key, const std::string& key);
  void drop_replica(std::uint32_t slot);
  [[nodiscard]] bool digest_counts(std::uint32_t owner_key) const;
  void digest_include(std::uint32_t slot, bool include);
  [[nodiscard]] std::vector<wire::StoreSnapshot> all_snapshots() const;
  /// Sends `packet` as a datagram if it fits the budget, else over the stream path.
  void send_sized(const Address& to, wire::Packet packet);
  /// Fills `packer` with queued store deltas (after membership updates); oversized deltas go to
  /// `to` over the stream path and count as sent.
  void pack_deltas(wire::Packer& packer, const Address& to);
  WriteResult write_local(std::string_view key, std::string_view value, std::uint64_t expected,
                          bool erase, TimePoint now, bool system);

  // Directory.
  void publish(const DirectoryEvent& event);
  void publish_member(DirectoryEvent::Kind kind, const MemberId& id, std::uint64_t incarnation);

  // Sending.
  /// Sends a datagram with as many queued updates as fit. `buddy`: a member slot whose current
  /// state goes first, ahead of the queue.
  void send(const Address& to, wire::Body body, std::uint32_t buddy = MemberTable::kNoSlot);
  void send_stream(const Address& to, wire::Packet packet);
  [[nodiscard]] std::vector<wire::MemberUpdate> full_state() const;
  [[nodiscard]] wire::MemberUpdate self_update() const;
  [[nodiscard]] std::uint32_t retransmit_limit() const;
  [[nodiscard]] Duration push_pull_period() const;
  [[nodiscard]] std::size_t cluster_size() const;
  [[nodiscard]] Duration scaled(Duration d) const;
  [[nodiscard]] std::vector<std::uint32_t> random_live_members(std::size_t k,
                                                               std::uint32_t exclude);
  void adjust_awareness(int delta);

  Config config_;
  Environment& env_;
  Random rng_;
  wire::MemberUpdate self_;
  MemberTable members_;
  BroadcastQueue queue_;
  ProbeSchedule probe_order_;
  SuspicionTimers suspicions_;
  NodeStats stats_;

  bool started_ = false;
  bool joined_ = false;
  bool left_ = false;
  std::uint32_t awareness_ = 0;
  bool evicted_ = false;
  /// Gap before the next post-join push-pull; zero once the node has settled.
  Duration sync_backoff_{};
  std::uint64_t next_seq_ = 1;

  std::optional<PendingProbe> probe_;
  std::map<std::uint64_t, Relay> relays_;  // ordered: iteration order decides send order

  /// Dead and left members to forget; FIFO because reap_after is one constant.
  struct ReapEntry {
    TimePoint at;
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;
  };
  std::deque<ReapEntry> reap_queue_;

  // Stores: own store, replicas by member slot, the digest, and the delta queue. Queued items
  // are named by handles (dense, for the BroadcastQueue) mapped to (owner key, item key).
  StoreReplica own_store_;
  std::vector<std::unique_ptr<StoreReplica>> replicas_;
  StoreDigestState digest_;
  BroadcastQueue store_queue_;
  struct ItemRef {
    std::uint32_t owner_key = 0;
    std::string key;
  };
  std::vector<ItemRef> item_refs_;
  std::vector<std::uint32_t> free_item_refs_;
  std::map<std::pair<std::uint32_t, std::string>, std::uint32_t> item_handles_;
  std::vector<std::uint32_t> packed_handles_;  // scratch for pack_deltas

  struct PendingWrite {
    TimePoint deadline;
    WriteCallback done;
  };
  std::map<std::uint64_t, PendingWrite> pending_writes_;
  std::uint64_t next_request_ = 1;
  TimePoint next_store_sync_{};
  TimePoint next_store_gc_{};

  std::vector<std::weak_ptr<Subscription>> subscriptions_;

  std::vector<Address> seeds_;
  std::size_t join_attempt_ = 0;
  std::optional<TimePoint> join_deadline_;

  TimePoint next_probe_{};
  TimePoint next_gossip_{};
  TimePoint next_push_pull_{};
  TimePoint next_reconnect_{};
  TimePoint next_reap_{};
  std::optional<TimePoint> scheduled_;
};

}  // namespace convoy::core
