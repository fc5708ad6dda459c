// Membership: SWIM's merge rules over the member table (see membership.hpp), and the views the
// rest of the engine reads.
#include "core/membership/membership.hpp"

#include <algorithm>
#include <cassert>

namespace convoy::core {
namespace {

constexpr std::uint8_t rank(MemberStatus s) {
  return static_cast<std::uint8_t>(s);
}

// Whether news is worth a rumour. Gossip is passed on. A joiner's download is not: the cluster
// knows it already. What a push-pull merge teaches is passed on only when it calls for action
// (a suspicion the member must hear to refute, a death, a departure): "alive" news from a merge
// is old news somewhere, and re-spreading it from every merge floods the queues during mass
// joins, starving the rumours that are still new. Other members repair the same gap with their
// own push-pulls. A merge that heals a partition is different: what it teaches is new to the
// whole side that was cut off, and only the two members of the exchange know it, so all of it
// is passed on.
bool spreads(Provenance provenance, MemberStatus status) {
  switch (provenance) {
    case Provenance::gossip:
    case Provenance::heal:
      return true;
    case Provenance::push_pull:
      return status != MemberStatus::alive;
    case Provenance::join_state:
      break;
  }
  return false;
}

}  // namespace

Membership::Membership(const Config& config, MemberId self, Address advertise,
                       std::uint64_t incarnation)
    : config_(config) {
  self_.id = self;
  self_.incarnation = incarnation;
  self_.address = advertise;
  self_.status = MemberStatus::alive;
}

std::optional<MemberChange> Membership::merge(const wire::MemberUpdate& news, TimePoint now,
                                              Provenance provenance) {
  assert(news.id != self_.id);
  std::uint32_t slot = members_.find(news.id);
  if (slot == MemberTable::kNoSlot) {
    slot = members_.insert(news.id, news.incarnation, news.status, news.address, now);
    if (news.status == MemberStatus::suspect) members_.set_reporter(slot, news.reporter);
    if (!is_active(news.status)) {
      // A tombstone for a member we never saw alive: remembered so stale "alive" news about it
      // cannot bring it back, but not worth spreading.
      schedule_reap(slot, now);
      return std::nullopt;
    }
    return MemberChange{slot, true, news.status, news.status, spreads(provenance, news.status)};
  }

  const MemberRecord& cur = members_.at(slot);
  if (cur.status == MemberStatus::evicted) return std::nullopt;  // final until reaped
  MemberStatus status = news.status;
  // A full-state merge reports deaths it may have missed the end of: treat them as suspicion so
  // the member gets the chance to refute (this is what lets partitions heal without flapping).
  if (provenance != Provenance::gossip && status == MemberStatus::dead && is_active(cur.status))
    status = MemberStatus::suspect;

  const bool newer = news.incarnation > cur.incarnation ||
                     (news.incarnation == cur.incarnation && rank(status) > rank(cur.status)) ||
                     status == MemberStatus::evicted;
  if (!newer) return std::nullopt;

  const MemberStatus before = cur.status;
  members_.update(slot, news.incarnation, status,
                  status == MemberStatus::alive ? news.address : cur.address, now);
  members_.set_reporter(slot, status == MemberStatus::suspect ? news.reporter : MemberId{});
  if (!is_active(status)) schedule_reap(slot, now);
  return MemberChange{slot, false, before, status, spreads(provenance, status)};
}

void Membership::schedule_reap(std::uint32_t slot, TimePoint now) {
  reap_queue_.push_back({now + config_.protocol.reap_after, slot, members_.at(slot).generation});
}

wire::MemberUpdate Membership::update_of(std::uint32_t slot) const {
  const MemberRecord& r = members_.at(slot);
  return wire::MemberUpdate{r.id, r.incarnation, r.status, r.address,
                            r.status == MemberStatus::suspect ? r.reporter : MemberId{}};
}

bool Membership::confirms(const wire::MemberUpdate& news) const {
  if (news.status != MemberStatus::suspect || news.reporter.is_nil()) return false;
  const std::uint32_t slot = members_.find(news.id);
  if (slot == MemberTable::kNoSlot) return false;
  const MemberRecord& r = members_.at(slot);
  return r.status == MemberStatus::suspect && r.incarnation == news.incarnation &&
         r.reporter != news.reporter;
}

void Membership::set_reporter(std::uint32_t slot, const MemberId& reporter) {
  members_.set_reporter(slot, reporter);
}

void Membership::prefetch(const std::vector<wire::MemberUpdate>& news) const {
  // Two passes: the cells first, then — once those have arrived — the records they point to.
  for (const wire::MemberUpdate& u : news) members_.prefetch_index(u.id);
  for (const wire::MemberUpdate& u : news) members_.prefetch_record(u.id);
}

std::size_t Membership::count(MemberStatus status) const {
  std::size_t n = members_.count(status);
  if (self_.status == status) ++n;
  return n;
}

std::size_t Membership::cluster_size() const {
  return members_.count(MemberStatus::alive) + members_.count(MemberStatus::suspect) + 1;
}

std::optional<Member> Membership::member(const MemberId& id) const {
  if (id == self_.id) return Member{self_.id, self_.incarnation, self_.status, self_.address};
  const std::uint32_t slot = members_.find(id);
  if (slot == MemberTable::kNoSlot) return std::nullopt;
  const MemberRecord& r = members_.at(slot);
  return Member{r.id, r.incarnation, r.status, r.address};
}

std::vector<Member> Membership::known() const {
  std::vector<Member> out;
  out.reserve(members_.size() + 1);
  out.push_back(Member{self_.id, self_.incarnation, self_.status, self_.address});
  for (std::uint32_t s = 0; s < members_.capacity(); ++s) {
    if (!members_.occupied(s)) continue;
    const MemberRecord& r = members_.at(s);
    out.push_back(Member{r.id, r.incarnation, r.status, r.address});
  }
  return out;
}

std::vector<Member> Membership::all() const {
  std::vector<Member> out;
  if (is_active(self_.status))
    out.push_back(Member{self_.id, self_.incarnation, self_.status, self_.address});
  for (std::uint32_t s = 0; s < members_.capacity(); ++s) {
    if (!active(s)) continue;
    const MemberRecord& r = members_.at(s);
    out.push_back(Member{r.id, r.incarnation, r.status, r.address});
  }
  return out;
}

std::vector<wire::MemberUpdate> Membership::full_state() const {
  std::vector<wire::MemberUpdate> out;
  out.reserve(members_.size() + 1);
  out.push_back(self_);
  for (std::uint32_t s = 0; s < members_.capacity(); ++s)
    if (members_.occupied(s)) out.push_back(update_of(s));
  return out;
}

template <class Eligible>
std::vector<std::uint32_t> Membership::sample(std::size_t k, std::size_t candidates,
                                              Eligible&& eligible, Random& rng) const {
  std::vector<std::uint32_t> out;
  k = std::min(k, candidates);
  if (k == 0) return out;
  auto fresh = [&](std::uint32_t s) {
    return eligible(s) && std::find(out.begin(), out.end(), s) == out.end();
  };
  // Rejection sampling over slots is O(k) while most slots hold candidates; fall back to a
  // scan when it keeps missing (a table full of tombstones).
  for (std::size_t tries = 0; out.size() < k && tries < 8 * k + 32; ++tries) {
    const auto s = static_cast<std::uint32_t>(rng.below(members_.capacity()));
    if (fresh(s)) out.push_back(s);
  }
  if (out.size() < k) {
    std::vector<std::uint32_t> rest;
    for (std::uint32_t s = 0; s < members_.capacity(); ++s)
      if (fresh(s)) rest.push_back(s);
    rng.shuffle(rest);
    for (std::size_t i = 0; out.size() < k && i < rest.size(); ++i) out.push_back(rest[i]);
  }
  return out;
}

std::vector<std::uint32_t> Membership::sample_active(std::size_t k, std::uint32_t exclude,
                                                     Random& rng) const {
  std::size_t live = members_.count(MemberStatus::alive) + members_.count(MemberStatus::suspect);
  if (exclude != MemberTable::kNoSlot && active(exclude)) --live;
  return sample(
      k, live, [&](std::uint32_t s) { return s != exclude && active(s); }, rng);
}

std::vector<std::uint32_t> Membership::sample_alive(std::size_t k, std::uint32_t exclude,
                                                    Random& rng) const {
  auto alive = [&](std::uint32_t s) {
    return members_.occupied(s) && members_.at(s).status == MemberStatus::alive;
  };
  std::size_t candidates = members_.count(MemberStatus::alive);
  if (exclude != MemberTable::kNoSlot && alive(exclude)) --candidates;
  return sample(
      k, candidates, [&](std::uint32_t s) { return s != exclude && alive(s); }, rng);
}

}  // namespace convoy::core
