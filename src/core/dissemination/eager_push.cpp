// EagerPush: the eager peers, the news learned in the current call, and pushing it (see
// eager_push.hpp).
#include "core/dissemination/eager_push.hpp"

#include "wire/codec.hpp"

#include <algorithm>

namespace convoy::core {

EagerPush::EagerPush(Context& context, const Membership& membership, Outbox& outbox,
                     Replication& replication)
    : ctx_(context),
      membership_(membership),
      outbox_(outbox),
      replication_(replication),
      target_(context.config.dissemination.eager_peers) {}

void EagerPush::member_news(MemberKey key) {
  if (!enabled()) return;
  for (const Pending& p : pending_)
    if (p.owner == key && p.key.empty()) return;
  pending_.push_back(Pending{key, {}, source_});
}

void EagerPush::store_news(MemberKey owner, const std::string& key) {
  if (!enabled() || key.empty()) return;
  for (const Pending& p : pending_)
    if (p.owner == owner && p.key == key) return;
  pending_.push_back(Pending{owner, key, source_});
}

bool EagerPush::valid(const Peer& p) const {
  return membership_.active(p.slot) && membership_.at(p.slot).id == p.id;
}

bool EagerPush::is_peer(std::uint32_t slot) const {
  return std::any_of(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.slot == slot; });
}

void EagerPush::add_peer(std::uint32_t slot) {
  if (is_peer(slot) || !membership_.active(slot)) return;
  peers_.push_back(Peer{slot, membership_.at(slot).id});
}

void EagerPush::remove_peer(std::uint32_t slot) {
  std::erase_if(peers_, [&](const Peer& p) { return p.slot == slot; });
}

void EagerPush::member_gone(std::uint32_t slot) {
  remove_peer(slot);
}

void EagerPush::refill() {
  std::erase_if(peers_, [&](const Peer& p) { return !valid(p); });
  if (peers_.size() >= target_) return;
  // Random members not yet peers; a few extra draws in case some already are.
  for (std::uint32_t slot :
       membership_.sample_active(target_ - peers_.size() + 2, MemberTable::kNoSlot, ctx_.rng)) {
    if (peers_.size() >= target_) break;
    if (is_peer(slot)) continue;
    add_peer(slot);
    // The graft: an empty push makes the new peer push to us too.
    ++ctx_.stats.eager_grafts;
    outbox_.send_packet(membership_.at(slot).address,
                        wire::Packet{wire::Push{membership_.self().id}, {}, {}});
  }
}

void EagerPush::flush() {
  if (pending_.empty()) return;
  if (!membership_.joined() || membership_.left() || membership_.evicted()) {
    pending_.clear();
    return;
  }
  refill();
  // What to push, as it stands now (a later write of the same key supersedes an earlier one).
  std::vector<wire::MemberUpdate> updates;
  std::vector<std::optional<Address>> update_sources;
  std::vector<MemberKey> update_keys;
  std::vector<wire::StoreDelta> deltas;
  std::vector<std::optional<Address>> delta_sources;
  std::vector<std::pair<MemberKey, std::string>> delta_keys;
  for (const Pending& p : pending_) {
    if (p.key.empty()) {
      if (!is_self_key(p.owner) && !membership_.occupied(slot_of_key(p.owner))) continue;
      updates.push_back(is_self_key(p.owner) ? membership_.self()
                                             : membership_.update_of(slot_of_key(p.owner)));
      update_sources.push_back(p.source);
      update_keys.push_back(p.owner);
    } else if (auto d = replication_.delta_of(p.owner, p.key)) {
      deltas.push_back(std::move(*d));
      delta_sources.push_back(p.source);
      delta_keys.emplace_back(p.owner, p.key);
    }
  }
  pending_.clear();

  std::vector<std::uint32_t> update_pushes(updates.size(), 0);
  std::vector<std::uint32_t> delta_pushes(deltas.size(), 0);
  const std::size_t budget = ctx_.config.dissemination.packet_budget;
  const wire::Packet empty{wire::Push{membership_.self().id}, {}, {}};
  for (const Peer& peer : peers_) {
    const Address& to = membership_.at(peer.slot).address;
    wire::Packer packer(empty, budget);
    bool anything = false;
    auto send = [&] {
      if (!anything) return;
      ++ctx_.stats.eager_pushes;
      outbox_.send_packet(to, packer.packet());
      packer = wire::Packer(empty, budget);
      anything = false;
    };
    for (std::size_t i = 0; i < updates.size(); ++i) {
      if (update_sources[i] == to) continue;  // it came from there
      if (!packer.try_add(updates[i])) {
        send();
        if (!packer.try_add(updates[i])) continue;
      }
      anything = true;
      ++update_pushes[i];
    }
    for (std::size_t i = 0; i < deltas.size(); ++i) {
      if (delta_sources[i] == to) continue;
      if (!packer.try_add(deltas[i])) {
        send();
        // A delta too large for any datagram waits for the piggyback path, which streams it.
        if (!packer.try_add(deltas[i])) continue;
      }
      anything = true;
      ++delta_pushes[i];
    }
    send();
  }
  // Pushes are sends: the piggybacked copies that remain are the safety net, not a repeat. At
  // least half of them remain, whatever the number of peers.
  const std::uint32_t limit = outbox_.retransmit_limit();
  auto counted = [&](std::uint32_t pushes) { return std::min(pushes, limit / 2); };
  for (std::size_t i = 0; i < update_keys.size(); ++i)
    if (update_pushes[i] > 0) outbox_.add_sends(update_keys[i], counted(update_pushes[i]));
  for (std::size_t i = 0; i < delta_keys.size(); ++i)
    if (delta_pushes[i] > 0)
      replication_.add_sends(delta_keys[i].first, delta_keys[i].second, counted(delta_pushes[i]),
                             limit);
}

void EagerPush::on_push(const wire::Push& push, const Address& from, std::size_t carried,
                        std::size_t fresh) {
  if (!enabled()) return;
  const std::uint32_t slot = membership_.find(push.sender);
  if (slot == MemberTable::kNoSlot || !membership_.active(slot)) return;
  if (!is_peer(slot)) {
    // A graft, or news along a link we do not have: make it symmetric, so what we learn flows
    // back along it.
    if (peers_.size() < 4 * target_) add_peer(slot);
    return;
  }
  if (carried == 0 || fresh > 0) return;
  // Everything it pushed we had: the link is redundant. Prune it on both ends, as long as we
  // keep our target.
  if (peers_.size() > target_) {
    remove_peer(slot);
    ++ctx_.stats.eager_prunes;
    outbox_.send_packet(from, wire::Packet{wire::Prune{membership_.self().id}, {}, {}});
  }
}

void EagerPush::on_prune(const wire::Prune& prune) {
  const std::uint32_t slot = membership_.find(prune.sender);
  if (slot != MemberTable::kNoSlot) remove_peer(slot);
}

}  // namespace convoy::core
