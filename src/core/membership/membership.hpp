// Membership: who is in the cluster, as this member sees it. It holds this member's own record
// and the table of every other member it knows (alive, suspect, and — until reaped — dead, left
// and evicted), and it owns SWIM's rules for merging news into that table: which account of a
// member is newer, and how news learned from a full-state merge is toned down. It decides; the
// engine reacts (probing, suspicion timers, rumours, replicas, events) to what changed.
#pragma once

#include "core/membership/member_table.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/config.hpp>
#include <convoy/member.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace convoy::core {

/// Where news about a member came from; it decides whether the news is passed on.
enum class Provenance : std::uint8_t {
  gossip,      ///< a rumour or a local decision: passed on
  join_state,  ///< a joiner's download of the cluster's state: the cluster knows it already
  push_pull,   ///< a full-state merge: passed on only when it calls for action
  heal,        ///< a merge that heals a partition: news to a whole side, so all passed on
};

/// What merging one piece of news changed.
struct MemberChange {
  std::uint32_t slot = 0;
  /// The member was not in the table before (then `before` is meaningless).
  bool inserted = false;
  MemberStatus before = MemberStatus::alive;
  MemberStatus after = MemberStatus::alive;
  /// The news is worth a rumour.
  bool spread = false;
};

class Membership {
 public:
  Membership(const Config& config, MemberId self, Address advertise, std::uint64_t incarnation);

  // --- This member ------------------------------------------------------------------------------

  [[nodiscard]] const wire::MemberUpdate& self() const { return self_; }
  /// Part of a cluster: started alone, or a seed answered our join (or a reconnect exchange).
  [[nodiscard]] bool joined() const { return joined_; }
  void set_joined() { joined_ = true; }
  /// Waiting for a seed's answer.
  void set_joining() { joined_ = false; }
  [[nodiscard]] bool left() const { return self_.status == MemberStatus::left; }
  [[nodiscard]] bool evicted() const { return self_.status == MemberStatus::evicted; }
  void set_self_status(MemberStatus status) { self_.status = status; }
  /// Refutation: our incarnation rises above one that news about us carried.
  void raise_incarnation_above(std::uint64_t seen) { self_.incarnation = seen + 1; }

  // --- The rules --------------------------------------------------------------------------------

  /// Merges news about another member. News (i, s) overrides what we hold (i', s') when i > i',
  /// or i == i' and s outranks s' (alive < suspect < dead < left); eviction overrides any
  /// incarnation, and an evicted record is final until reaped. Returns what changed, or nullopt
  /// if the news was old (or a first-heard tombstone, remembered but not reported).
  std::optional<MemberChange> merge(const wire::MemberUpdate& news, TimePoint now,
                                    Provenance provenance);

  /// Forgets dead, left and evicted members whose reap time has come, calling `on_reap(slot)`
  /// for each just before its record is erased.
  template <class OnReap>
  void reap(TimePoint now, OnReap&& on_reap) {
    while (!reap_queue_.empty() && reap_queue_.front().at <= now) {
      const ReapEntry e = reap_queue_.front();
      reap_queue_.pop_front();
      if (!members_.occupied(e.slot) || members_.at(e.slot).generation != e.generation) continue;
      if (is_active(members_.at(e.slot).status)) continue;
      on_reap(e.slot);
      members_.erase(e.slot);
    }
  }
  [[nodiscard]] TimePoint next_deadline() const {
    return reap_queue_.empty() ? kNever : reap_queue_.front().at;
  }

  // --- The table --------------------------------------------------------------------------------

  [[nodiscard]] const MemberTable& table() const { return members_; }
  [[nodiscard]] std::uint32_t find(const MemberId& id) const { return members_.find(id); }
  [[nodiscard]] const MemberRecord& at(std::uint32_t slot) const { return members_.at(slot); }
  [[nodiscard]] bool occupied(std::uint32_t slot) const { return members_.occupied(slot); }
  [[nodiscard]] bool active(std::uint32_t slot) const {
    return members_.occupied(slot) && is_active(members_.at(slot).status);
  }
  /// The record in `slot` as news.
  [[nodiscard]] wire::MemberUpdate update_of(std::uint32_t slot) const;
  /// Suspect news that `merge` finds old may still confirm the suspicion we hold: same
  /// incarnation, a reporter other than the last one we heard of.
  [[nodiscard]] bool confirms(const wire::MemberUpdate& news) const;
  /// The suspicion of `slot` was confirmed by `reporter`: later news about it names them.
  void set_reporter(std::uint32_t slot, const MemberId& reporter);
  /// Starts loading the table cells and records a packet's news will touch (see MemberTable).
  void prefetch(const std::vector<wire::MemberUpdate>& news) const;

  // --- Views ------------------------------------------------------------------------------------

  /// Members in `status`, this member included (it counts itself under its own status).
  [[nodiscard]] std::size_t count(MemberStatus status) const;
  /// Alive and suspect members, this member included: the N of every log N.
  [[nodiscard]] std::size_t cluster_size() const;
  /// Our view of `id` (ourselves included); nullopt if unknown or reaped.
  [[nodiscard]] std::optional<Member> member(const MemberId& id) const;
  /// Every member we know, ourselves first, whatever their status.
  [[nodiscard]] std::vector<Member> known() const;
  /// Changes to the other members' records so far (see MemberTable::changes; ours not counted).
  [[nodiscard]] std::uint64_t changes() const { return members_.changes(); }
  /// Active (alive and suspect) members, ourselves included if active.
  [[nodiscard]] std::vector<Member> all() const;
  /// Everything we know as news, ourselves first: the body of joins and push-pulls.
  [[nodiscard]] std::vector<wire::MemberUpdate> full_state() const;
  /// The hash of our view: every active member's id, incarnation and status, ourselves
  /// included. Two members with the same hash have nothing to teach each other in a push-pull.
  /// Never 0 (0 means "no hash" on the wire).
  [[nodiscard]] std::uint64_t view_hash() const {
    const std::uint64_t h =
        members_.view_hash() ^ MemberTable::view_term(self_.id, self_.incarnation, self_.status);
    return h == 0 ? 1 : h;
  }
  /// Up to k distinct random active members other than `exclude` (a slot, or kNoSlot).
  [[nodiscard]] std::vector<std::uint32_t> sample_active(std::size_t k, std::uint32_t exclude,
                                                         Random& rng) const;
  /// Up to k distinct random alive (not suspect) members other than `exclude`.
  [[nodiscard]] std::vector<std::uint32_t> sample_alive(std::size_t k, std::uint32_t exclude,
                                                        Random& rng) const;

 private:
  struct ReapEntry {
    TimePoint at;
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;
  };
  void schedule_reap(std::uint32_t slot, TimePoint now);
  template <class Eligible>
  [[nodiscard]] std::vector<std::uint32_t> sample(std::size_t k, std::size_t candidates,
                                                  Eligible&& eligible, Random& rng) const;

  const Config& config_;
  wire::MemberUpdate self_;
  bool joined_ = false;
  MemberTable members_;
  /// Dead and left members to forget; FIFO because reap_after is one constant.
  std::deque<ReapEntry> reap_queue_;
};

}  // namespace convoy::core
