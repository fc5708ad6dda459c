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
#include "core/suspicion.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace convoy::core {

/// A member as one node sees it.
struct MemberView {
  MemberId id;
  std::uint64_t incarnation = 0;
  MemberStatus status = MemberStatus::alive;
  Address address;
};

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
  void on_ping(const Address& from, const wire::Ping& ping, TimePoint now);
  void on_ack(const wire::Ack& ack, TimePoint now);
  void on_nack(const wire::Nack& nack);
  void on_ping_req(const Address& from, const wire::PingReq& req, TimePoint now);
  void on_join_request(const Address& from, const wire::JoinRequest& req, TimePoint now);
  void on_join_response(const Address& from, const wire::JoinResponse& resp, TimePoint now);
  void on_push_pull(const Address& from, const wire::PushPull& pp, TimePoint now);

  // Membership rules.
  /// Where news came from: gossip is spread on; a joiner's download of the cluster's state is
  /// not (the cluster knows it already); a push-pull merge is, and reports deaths as suspicion.
  enum class ApplyMode : std::uint8_t { gossip, join_state, push_pull };
  /// Applies one piece of news; returns true if it changed our view.
  bool apply(const wire::MemberUpdate& update, TimePoint now, ApplyMode mode);
  static bool spreads(ApplyMode mode, MemberStatus status);
  void refute(std::uint64_t seen_incarnation, TimePoint now);
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

  // Sending.
  /// Sends a datagram with as many queued updates as fit. `buddy`: a member slot whose current
  /// state goes first, ahead of the queue.
  void send(const Address& to, wire::Body body, TimePoint now,
            std::uint32_t buddy = MemberTable::kNoSlot);
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
  std::mt19937_64 rng_;
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
