// AntiEntropy: how two members find and repair what their replicas disagree on, at any cluster
// size, in datagrams. Rumours can miss a member (all its copies lost, or it was cut off), so
// every store sync interval a member compares its digest tree (store_digest.hpp) with another,
// top-down:
//
//   A → B  the root, on A's next Ping to B       18 bytes: equal roots end it (a quiet cluster)
//   B → A  StoreDigest{64 children of the root}  where B's root differs
//   A → B  StoreDigest{64 children of a range}   where A's hash of that range differs ...
//   X → Y  StoreDigestDetail{X's (owner, epoch, watermark) in the ranges that differ}
//          once a differing range holds at most kDetailOwners of X's owners (or is a leaf)
//   Y → X  StoreSync{what X lacks, and `wants`: what Y lacks}
//   X → Y  StoreSync{what Y wanted}
//
// The root rides on the next probe (ProbeRider): a member pings one member every probe interval
// anyway, and a quiet cluster, where every round ends at the root, then sends nothing for
// anti-entropy at all. A root that found no ping to ride within a whole interval (probing
// paused, or a probe interval longer than the sync interval) goes alone, as a StoreDigest{root}
// to a random member, so rounds never stop.
//
// Each snapshot shipped is exactly the items above the receiver's watermark (or a complete
// snapshot when tombstones the receiver may need were already collected), cut into messages
// within the stream size limit. One differing owner among 10,000 costs four datagrams of at
// most ~1.1 KB before its items travel.
//
// Every message of a round carries the round's random `exchange` id, chosen by its opener. A
// detail, or a sync that asks for stores, is answered only within a round this member opened or
// answered in the last kExchangeLife: a forged one (which could otherwise make a member send
// everything it holds to anyone) is counted and dropped. And whatever a digest lists, this
// member's hashes of it cost one pass over its stores: a digest cannot be made expensive.
#pragma once

#include "core/context.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/dissemination/probe_rider.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/replication/replication.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace convoy::core {

class AntiEntropy final : public ProbeRider {
 public:
  /// A differing range holding at most this many of the responder's owners is answered with
  /// their versions rather than with its 64 children: ~40 bytes an owner keeps the detail well
  /// inside a datagram.
  static constexpr std::size_t kDetailOwners = 16;
  /// How long a round is remembered, and how many rounds at most.
  static constexpr Duration kExchangeLife = std::chrono::seconds(10);
  static constexpr std::size_t kExchanges = 1024;

  AntiEntropy(Context& context, const Membership& membership, Outbox& outbox,
              Replication& replication);

  /// Arms the first round at a random point of the first interval.
  void start(TimePoint now);
  /// Opens a round when due: its root waits for the next ping (board()); one that waited a
  /// whole interval in vain goes alone to a random member.
  void tick(TimePoint now);
  /// ProbeRider: the round waiting for a ride, if any, goes on `ping`.
  void board(wire::Ping& ping) override;
  [[nodiscard]] TimePoint next_deadline() const { return next_round_; }

  void on_store_digest(const Origin& origin, const wire::StoreDigest& digest, TimePoint now);
  /// A round opened on a ping (store_exchange != 0): answered as a StoreDigest of its root.
  void on_probe_root(const Origin& origin, const wire::Ping& ping, TimePoint now);
  void on_store_digest_detail(const Origin& origin, const wire::StoreDigestDetail& detail,
                              TimePoint now);
  void on_store_sync(const Origin& origin, const wire::StoreSync& sync, TimePoint now);

  /// Sends `snapshots` (and `wants`) as StoreSync messages of round `exchange` within the
  /// stream size limit: one message the way the question came if it fits, else in order over
  /// the stream path.
  void send_sync(const Origin& origin, std::vector<wire::StoreSnapshot> snapshots,
                 std::vector<wire::OwnerVersion> wants, std::uint64_t exchange);
  /// Bytes of snapshots one stream message may carry (the rest of the limit is for framing).
  [[nodiscard]] std::size_t stream_budget() const;

 private:
  /// Our hash of each of `ranges`, in one pass over our stores.
  [[nodiscard]] std::vector<std::uint64_t> hashes_of(
      const std::vector<wire::DigestRange>& ranges) const;
  /// For each of `ranges`: the hashes of its 64 children and how many of our owners it holds,
  /// in one pass over our stores.
  struct Children {
    std::array<std::uint64_t, StoreDigestState::kFanout> hashes{};
    std::size_t owners = 0;
  };
  [[nodiscard]] std::vector<Children> children_of(
      const std::vector<wire::DigestRange>& ranges) const;
  /// Remembers round `exchange` as one this member takes part in.
  void join_exchange(std::uint64_t exchange, TimePoint now);
  [[nodiscard]] bool in_exchange(std::uint64_t exchange, TimePoint now) const;

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  Replication& replication_;
  TimePoint next_round_{};
  std::uint64_t riding_ = 0;  ///< the round waiting for a ping to ride; 0: none
  struct Exchange {
    std::uint64_t id = 0;
    TimePoint until;
  };
  std::deque<Exchange> exchanges_;  ///< oldest first
};

}  // namespace convoy::core
