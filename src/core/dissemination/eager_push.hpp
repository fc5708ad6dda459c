// EagerPush: new news goes out at once, not at the next gossip round. What a member learns for
// the first time (a membership change worth a rumour, a store delta, its own write) is pushed at
// the end of the call that taught it to the member's eager peers — except to the one it came
// from — and each of them does the same, so an update crosses the cluster in network hops
// (milliseconds) instead of gossip rounds (hundreds of milliseconds).
//
// The eager peers form an overlay in the spirit of Plumtree (Leitão et al., SRDS 2007), with the
// full membership standing in for a peer-sampling layer: each member picks `eager_peers` random
// members and grafts itself onto each with an empty push, which makes the link symmetric (the two
// push to each other; a member accepts up to four times the target, so that no member is left
// without a link that reaches it, as 5 % would be in a one-way random graph of out-degree 3); a
// push that brought nothing new, received while the
// member has more peers than the target, prunes that link on both ends (PRUNE), trimming the
// overlay's redundancy toward a tree while every member keeps at least its target; a peer that
// dies or leaves is replaced by a random member. Every push counts as a send of the rumour in the
// piggyback queues, so the rumour's later piggybacked copies — the safety net for pushes lost or
// links broken — are fewer, and the bytes spent per update do not grow; anti-entropy remains the
// last resort.
#pragma once

#include "core/context.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/membership/member_key.hpp"
#include "core/membership/membership.hpp"
#include "core/replication/replication.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace convoy::core {

class EagerPush {
 public:
  EagerPush(Context& context, const Membership& membership, Outbox& outbox,
            Replication& replication);

  /// Off when dissemination.eager_peers is 0: the pure piggyback mode.
  [[nodiscard]] bool enabled() const { return target_ > 0; }

  /// The news being handled came from `from` (nullopt: from this member itself).
  void set_source(std::optional<Address> from) { source_ = std::move(from); }
  /// Membership news about `key` (self or a slot) to push.
  void member_news(MemberKey key);
  /// Store news: `key` of `owner`'s store to push.
  void store_news(MemberKey owner, const std::string& key);
  /// Pushes what was learned since the last flush.
  void flush();

  /// A push arrived from `sender` at `from`, carrying `carried` pieces of news of which `fresh`
  /// were new (an empty push is a graft: the sender made us one of its peers).
  void on_push(const wire::Push& push, const Address& from, std::size_t carried, std::size_t fresh);
  /// `prune.sender` asks us to stop pushing to it.
  void on_prune(const wire::Prune& prune);
  /// The member in `slot` is no longer active (or forgotten): it stops being a peer.
  void member_gone(std::uint32_t slot);

  [[nodiscard]] std::size_t peers() const { return peers_.size(); }

 private:
  struct Peer {
    std::uint32_t slot = 0;
    MemberId id;
  };
  struct Pending {
    MemberKey owner = 0;
    std::string key;  ///< empty: membership news about `owner`
    std::optional<Address> source;
  };
  [[nodiscard]] bool is_peer(std::uint32_t slot) const;
  [[nodiscard]] bool valid(const Peer& p) const;
  void refill();
  void add_peer(std::uint32_t slot);
  void remove_peer(std::uint32_t slot);

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  Replication& replication_;
  const std::size_t target_;
  std::vector<Peer> peers_;
  std::vector<Pending> pending_;
  std::optional<Address> source_;
};

}  // namespace convoy::core
