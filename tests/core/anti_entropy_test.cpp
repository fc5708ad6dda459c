// Store anti-entropy at scale: two members in identical state exchange nothing but the root of
// their digest trees, riding on a probe, and one differing owner among 10,000 writers is found
// and repaired in datagrams within the packet budget, the detail naming only a handful of
// owners. A round that finds no probe to ride still goes out, alone.
#include "core/replication/store_digest.hpp"
#include "core/replication/store_epoch.hpp"
#include "engine_harness.hpp"

#include <gtest/gtest.h>

namespace convoy {
namespace {

using core::TimePoint;
using namespace std::chrono_literals;
using test::alive;
using test::EngineHarness;
using test::member_address;
using test::member_id;

constexpr std::uint64_t kWriters = 10'000;
constexpr std::uint64_t kA = 1;
constexpr std::uint64_t kB = 2;
constexpr std::uint64_t kFirstWriter = 3;

std::uint64_t epoch_of(std::uint64_t n) {
  return core::make_epoch(1, static_cast<std::uint32_t>(n));
}

/// Joins `h` into a cluster of A, B and 10,000 writers, each writer holding one item at
/// version 1 (writer `bumped` at version 2 if given).
void join_big_cluster(EngineHarness& h, std::uint64_t self, TimePoint t, std::uint64_t bumped = 0) {
  h.begin_join(self == kA ? kB : kA, t);
  wire::JoinResponse r;
  for (std::uint64_t n : {kA, kB})
    if (n != self) r.members.push_back(alive(n));
  for (std::uint64_t n = kFirstWriter; n < kFirstWriter + kWriters; ++n) {
    r.members.push_back(alive(n));
    wire::StoreSnapshot s{member_id(n), epoch_of(n), 1, 0, false, {{"k", "v", 1, false}}};
    if (n == bumped) s = {member_id(n), epoch_of(n), 2, 0, false, {{"k", "v2", 2, false}}};
    r.stores.push_back(s);
  }
  h.answer_join(r, t);
  ASSERT_TRUE(h.engine.joined());
}

/// A and B joined into a cluster of the two of them, no store written.
void join_each_other(EngineHarness& a, EngineHarness& b, TimePoint t) {
  a.begin_join(kB, t);
  a.answer_join(wire::JoinResponse{{alive(kB)}, {}, 0, std::nullopt}, t);
  b.begin_join(kA, t);
  b.answer_join(wire::JoinResponse{{alive(kA)}, {}, 0, std::nullopt}, t);
}

/// The packet among `h`'s sent ones that opened an anti-entropy round: a ping carrying a root,
/// or a StoreDigest sent alone; nullptr if none did.
const test::Sent* opening_in(const EngineHarness& h) {
  for (const test::Sent& s : h.env.sent) {
    if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body); ping && ping->store_exchange)
      return &s;
    if (std::holds_alternative<wire::StoreDigest>(s.packet.body)) return &s;
  }
  return nullptr;
}

/// Runs `h`'s timers until it opens an anti-entropy round; returns the packet that opened it.
wire::Packet first_opening(EngineHarness& h, TimePoint& t) {
  h.env.sent.clear();
  for (int i = 0; i < 300 && opening_in(h) == nullptr; ++i) h.engine.handle_timer(t += 10ms);
  const test::Sent* opening = opening_in(h);
  EXPECT_NE(opening, nullptr);
  return opening != nullptr ? opening->packet : wire::Packet{wire::Gossip{}, {}, {}};
}

/// What a round's opening stands for: a StoreDigest of the root alone.
wire::StoreDigest digest_of(const wire::Packet& opening) {
  if (const auto* ping = std::get_if<wire::Ping>(&opening.body))
    return wire::StoreDigest{{wire::DigestRange{0, 0, ping->store_root}}, ping->store_exchange};
  return std::get<wire::StoreDigest>(opening.body);
}

/// Anti-entropy messages in `h`'s sent list since `from` (index).
std::vector<test::Sent> exchange_from(const EngineHarness& h, std::size_t from) {
  std::vector<test::Sent> out;
  for (std::size_t i = from; i < h.env.sent.size(); ++i) {
    const auto& body = h.env.sent[i].packet.body;
    if (std::holds_alternative<wire::StoreDigest>(body) ||
        std::holds_alternative<wire::StoreDigestDetail>(body) ||
        std::holds_alternative<wire::StoreSync>(body))
      out.push_back(h.env.sent[i]);
  }
  return out;
}

TEST(AntiEntropy, TheRoundOpensWithTheRootAloneOnAProbeWhateverN) {
  EngineHarness a(kA);
  TimePoint t{};
  join_big_cluster(a, kA, t);
  const wire::Packet opening = first_opening(a, t);
  ASSERT_TRUE(std::holds_alternative<wire::Ping>(opening.body)) << "the round rides a probe";
  const wire::StoreDigest d = digest_of(opening);
  ASSERT_EQ(d.ranges.size(), 1u);
  EXPECT_EQ(d.ranges[0].level, 0u);
  EXPECT_NE(d.exchange, 0u);
  // 18 bytes on the probe (root and round), whatever the cluster's size.
  const wire::Ping& ping = std::get<wire::Ping>(opening.body);
  EXPECT_EQ(wire::encode(wire::Packet{ping, {}, {}}).size(),
            wire::encode(wire::Packet{wire::Ping{ping.seq, ping.target}, {}, {}}).size() + 18);
  EXPECT_TRUE(a.sent_of<wire::StoreDigest>().empty()) << "no datagram of its own";
}

TEST(AntiEntropy, ARoundThatFindsNoProbeToRideGoesAlone) {
  // Probing every 5 s, a round every second: a round waits at most one interval for a ride.
  Config c = test::quiet_config();
  c.protocol.probe_interval = 5s;
  c.protocol.probe_timeout = 1s;
  EngineHarness a(kA, c);
  EngineHarness b(kB, c);
  TimePoint t{};
  join_each_other(a, b, t);
  a.env.sent.clear();
  std::size_t alone = 0;
  std::size_t riding = 0;
  for (int i = 0; i < 1000; ++i) {  // 10 s
    a.engine.handle_timer(t += 10ms);
    for (const test::Sent& s : a.env.sent) {
      alone += std::holds_alternative<wire::StoreDigest>(s.packet.body);
      if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
        riding += ping->store_exchange != 0;
    }
    a.env.sent.clear();
  }
  // About one round a second: most alone, some on the two probes of the window.
  EXPECT_GE(alone + riding, 8u);
  EXPECT_LE(alone + riding, 11u);
  EXPECT_GE(alone, 6u);
  EXPECT_LE(riding, 2u);
}

TEST(AntiEntropy, TwoQuietMembersWithEqualStateExchangeNoDetail) {
  EngineHarness a(kA);
  EngineHarness b(kB);
  TimePoint t{};
  join_big_cluster(a, kA, t);
  join_big_cluster(b, kB, t);
  const wire::Packet opening = first_opening(a, t);
  const std::size_t before = b.env.sent.size();
  b.deliver(opening, member_address(kA), t);
  EXPECT_TRUE(exchange_from(b, before).empty()) << "equal roots must end the round";
}

TEST(AntiEntropy, OneDifferingOwnerAmongTenThousandCostsFewSmallDatagrams) {
  const std::uint64_t differing = kFirstWriter + 4242;
  EngineHarness a(kA);
  EngineHarness b(kB);
  TimePoint t{};
  join_big_cluster(a, kA, t);
  join_big_cluster(b, kB, t, differing);  // B is one write ahead on one owner
  ASSERT_EQ(a.engine.directory().value(member_id(differing), "k")->version, 1u);

  // Play the round: every message of one side is delivered to the other, until silence.
  wire::Packet next = first_opening(a, t);
  EngineHarness* to = &b;
  EngineHarness* from = &a;
  std::size_t messages = 0;
  std::size_t detail_owners = 0;
  for (int step = 0; step < 12; ++step) {
    const wire::Bytes bytes = wire::encode(next);
    EXPECT_LE(bytes.size(), Config{}.dissemination.packet_budget) << "step " << step;
    ++messages;
    if (const auto* d = std::get_if<wire::StoreDigestDetail>(&next.body))
      detail_owners = d->owners.size();
    const std::size_t before = to->env.sent.size();
    to->deliver(next, member_address(from == &a ? kA : kB), t);
    auto replies = exchange_from(*to, before);
    if (replies.empty()) break;
    ASSERT_EQ(replies.size(), 1u) << "one answer per step";
    EXPECT_FALSE(replies[0].stream) << "every step a datagram";
    next = replies[0].packet;
    std::swap(to, from);
  }
  EXPECT_GT(detail_owners, 0u);
  EXPECT_LE(detail_owners, core::AntiEntropy::kDetailOwners);
  EXPECT_LE(messages, 6u);
  EXPECT_EQ(a.engine.directory().value(member_id(differing), "k")->version, 2u);
  EXPECT_EQ(a.engine.directory().value(member_id(differing), "k")->value, "v2");
}

TEST(AntiEntropy, AnEmptyStoreAgreesWithReplicasThatNeverHeardOfIt) {
  // A fresh member's own store (never written) must not make every digest differ.
  EngineHarness a(kA);
  EngineHarness b(kB);
  TimePoint t{};
  join_each_other(a, b, t);
  const wire::Packet opening = first_opening(a, t);
  const wire::StoreDigest d = digest_of(opening);
  ASSERT_EQ(d.ranges.size(), 1u);
  EXPECT_EQ(d.ranges[0].hash, 0u);
  const std::size_t before = b.env.sent.size();
  b.deliver(opening, member_address(kA), t);
  EXPECT_TRUE(exchange_from(b, before).empty());

  // After A's first write, B's replica (fed the write) and A's own store agree as well: the
  // owner's digest term follows its own writes exactly.
  std::optional<WriteResult> w;
  a.engine.put(member_id(kA), "x", "1", 0, t, [&](const WriteResult& r) { w = r; });
  ASSERT_TRUE(w && w->status == WriteStatus::done);
  b.deliver(wire::Packet{wire::Gossip{},
                         {},
                         {wire::StoreDelta{
                             member_id(kA), a.engine.own_store().epoch(), {"x", "1", 1, false}}}},
            member_address(kA), t);
  const wire::Packet opening2 = first_opening(a, t);
  const std::size_t before2 = b.env.sent.size();
  b.deliver(opening2, member_address(kA), t);
  EXPECT_TRUE(exchange_from(b, before2).empty());
}

/// Plays one anti-entropy round that `opener` opens with `other`: every message of one side is
/// delivered to the other until silence. Returns the number of messages.
std::size_t play_round(EngineHarness& opener, std::uint64_t opener_n, EngineHarness& other,
                       std::uint64_t other_n, TimePoint& t) {
  wire::Packet next = first_opening(opener, t);
  EngineHarness* to = &other;
  EngineHarness* from = &opener;
  std::size_t messages = 0;
  for (int step = 0; step < 12; ++step) {
    ++messages;
    const std::size_t before = to->env.sent.size();
    to->deliver(next, member_address(from == &opener ? opener_n : other_n), t);
    auto replies = exchange_from(*to, before);
    if (replies.empty()) break;
    next = replies.back().packet;
    std::swap(to, from);
  }
  return messages;
}

TEST(AntiEntropy, AReplicaHoldingOnlyLaterWritesOfAnOldLifeIsReplacedByTheNewEmptyLife) {
  // Found by the fault-schedule property (a 57 % lossy member, an owner restarted): the replica
  // lost the old life's first write, so its watermark stayed 0 while it held v2 and v3; the
  // owner came back empty in a new epoch. Both contributed nothing to the digest, so the stale
  // keys stayed forever.
  EngineHarness a(kA);
  EngineHarness b(kB);
  TimePoint t{};
  join_each_other(a, b, t);
  const std::uint64_t old_life = core::make_epoch(1, 1);
  ASSERT_NE(old_life, b.engine.own_store().epoch());
  for (std::uint64_t v : {2, 3})
    a.deliver(
        wire::Packet{wire::Gossip{},
                     {},
                     {wire::StoreDelta{
                         member_id(kB), old_life, {"k" + std::to_string(v), "old", v, false}}}},
        member_address(kB), t);
  ASSERT_TRUE(a.engine.directory().value(member_id(kB), "k3").has_value());
  ASSERT_EQ(a.engine.replica(member_id(kB))->version(), 0u);

  play_round(b, kB, a, kA, t);
  play_round(a, kA, b, kB, t);
  const core::StoreReplica* r = a.engine.replica(member_id(kB));
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(a.engine.directory().value(member_id(kB), "k3").has_value());
  EXPECT_FALSE(a.engine.directory().value(member_id(kB), "k2").has_value());
  EXPECT_EQ(r->epoch(), b.engine.own_store().epoch());
  EXPECT_EQ(r->content_hash(), b.engine.own_store().content_hash());
}

TEST(AntiEntropy, AnOwnerThatIsSentItsOldLifeAnswersWithItsStore) {
  // Found by a 2,000-case soak of the fault-schedule property: when the holder of the stale
  // replica opens the round, the owner (new life, empty store: nothing in its digest) answers
  // with a detail that does not list itself, the holder sends its stale snapshot, and the owner
  // used to drop it without a word, every round.
  EngineHarness a(kA);
  EngineHarness b(kB);
  TimePoint t{};
  join_each_other(a, b, t);
  const std::uint64_t old_life = core::make_epoch(1, 1);
  ASSERT_LT(old_life, b.engine.own_store().epoch());
  a.deliver(
      wire::Packet{
          wire::Gossip{}, {}, {wire::StoreDelta{member_id(kB), old_life, {"k1", "old", 1, false}}}},
      member_address(kB), t);
  ASSERT_TRUE(a.engine.directory().value(member_id(kB), "k1").has_value());

  play_round(a, kA, b, kB, t);  // the holder opens; the owner only answers
  EXPECT_FALSE(a.engine.directory().value(member_id(kB), "k1").has_value());
  EXPECT_EQ(a.engine.replica(member_id(kB))->epoch(), b.engine.own_store().epoch());
}

TEST(AntiEntropy, ForgedDetailsAndSyncsOutsideARoundAreRefused) {
  // Without the round's id, a detail covering everything would make the member send every
  // store it holds to whoever asked, and a sync full of wants likewise.
  EngineHarness a(kA);
  TimePoint t{};
  join_big_cluster(a, kA, t);
  const std::size_t before = a.env.sent.size();
  const std::uint64_t unexpected = a.engine.stats().unexpected;
  wire::StoreDigestDetail forged;
  forged.ranges.push_back(wire::DigestRange{0, 0, 0});
  forged.exchange = 12345;
  a.deliver(wire::Packet{forged, {}, {}}, test::member_address(99), t);
  wire::StoreSync greedy;
  for (std::uint64_t n = kFirstWriter; n < kFirstWriter + 100; ++n)
    greedy.wants.push_back(wire::OwnerVersion{member_id(n), 0, 0});
  greedy.exchange = 777;
  a.deliver(wire::Packet{greedy, {}, {}}, test::member_address(99), t);
  EXPECT_TRUE(exchange_from(a, before).empty());
  EXPECT_EQ(a.engine.stats().unexpected, unexpected + 2);

  // Within a round it opened, the same detail is answered.
  forged.exchange = digest_of(first_opening(a, t)).exchange;
  const std::size_t before2 = a.env.sent.size();
  a.deliver(wire::Packet{forged, {}, {}}, member_address(kB), t);
  EXPECT_FALSE(exchange_from(a, before2).empty());
}

}  // namespace
}  // namespace convoy
