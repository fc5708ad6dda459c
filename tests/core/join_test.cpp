// Joining: a join response counts only as the answer to the request outstanding with that seed
// (forged, late, duplicate and unsolicited ones change nothing and are counted); a push-pull
// does not complete a pending join; the join state fits the stream limit however large the
// stores the limits allow; and the seed tells a restarted member its previous store epoch.
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

wire::JoinResponse cluster_of(std::uint64_t first, std::uint64_t last) {
  wire::JoinResponse r;
  for (std::uint64_t n = first; n <= last; ++n) r.members.push_back(alive(n));
  return r;
}

TEST(Join, ForgedLateAndDuplicateResponsesChangeNothingAndAreCounted) {
  EngineHarness h(1);
  const TimePoint t{};
  const std::uint64_t request = h.begin_join(2, t);
  ASSERT_NE(request, 0u);
  const std::size_t queued = h.engine.pending_broadcasts();

  // Forged: another request id, a thousand members.
  wire::JoinResponse forged = cluster_of(2, 1001);
  forged.request = request + 1;
  h.deliver_stream(wire::Packet{forged, {}, {}}, 9, t);
  EXPECT_FALSE(h.engine.joined());
  EXPECT_EQ(h.engine.count(MemberStatus::alive), 1u);
  EXPECT_EQ(h.engine.pending_broadcasts(), queued);
  EXPECT_EQ(h.engine.stats().join_responses_dropped, 1u);

  // The real answer.
  wire::JoinResponse real = cluster_of(2, 5);
  h.answer_join(real, t);
  ASSERT_TRUE(h.engine.joined());
  EXPECT_EQ(h.engine.count(MemberStatus::alive), 5u);
  const std::size_t after_join = h.engine.pending_broadcasts();
  h.env.sent.clear();

  // The same answer again (a duplicate), and an unsolicited one: a member that is joined is not
  // merging two clusters because somebody says so.
  real.request = request;
  h.deliver_stream(wire::Packet{real, {}, {}}, 1, t);
  h.deliver_stream(wire::Packet{cluster_of(2, 1001), {}, {}}, 9, t);
  EXPECT_EQ(h.engine.stats().join_responses_dropped, 3u);
  EXPECT_EQ(h.engine.count(MemberStatus::alive), 5u);
  EXPECT_EQ(h.engine.pending_broadcasts(), after_join);  // nobody re-queued
  EXPECT_TRUE(h.sent_of<wire::PushPull>().empty());      // no state pushed back
}

TEST(Join, AnswerFromASeedGivenUpOnIsDropped) {
  Config c = test::quiet_config();
  c.protocol.join_timeout = 1s;
  EngineHarness h(1, c);
  const Address seeds[] = {member_address(2), member_address(3)};
  TimePoint t{};
  h.engine.join(seeds, t);
  const std::uint64_t first = h.last_join_request();
  for (int i = 0; i < 110; ++i) h.engine.handle_timer(t += 10ms);  // past join_timeout
  const std::uint64_t second = h.last_join_request();
  ASSERT_NE(second, first);
  ASSERT_EQ(h.sent_of<wire::JoinRequest>().back()->to, member_address(3));

  wire::JoinResponse late = cluster_of(2, 10);
  late.request = first;
  h.deliver_stream(wire::Packet{late, {}, {}}, 1, t);
  EXPECT_FALSE(h.engine.joined());
  EXPECT_EQ(h.engine.stats().join_responses_dropped, 1u);
  h.answer_join(cluster_of(2, 4), t, 2);
  EXPECT_TRUE(h.engine.joined());
  EXPECT_EQ(h.engine.count(MemberStatus::alive), 4u);
}

TEST(Join, APushPullDoesNotCompleteAPendingJoin) {
  EngineHarness h(1);
  const TimePoint t{};
  h.begin_join(2, t);
  wire::PushPull pp{true, {alive(2), alive(3)}};
  h.deliver_stream(wire::Packet{pp, {}, {}}, 4, t);
  EXPECT_FALSE(h.engine.joined());
  wire::PushPull question{false, {alive(2), alive(3)}};
  h.deliver_stream(wire::Packet{question, {}, {}}, 4, t);
  EXPECT_FALSE(h.engine.joined());
  h.answer_join(cluster_of(2, 3), t);
  EXPECT_TRUE(h.engine.joined());
}

TEST(Join, AFailedJoinIsReportedOnceAndRetriedSlowlyUntilASeedAnswers) {
  Config c = test::quiet_config();
  c.protocol.join_timeout = 1s;
  c.protocol.join_rounds = 2;
  c.protocol.reconnect_interval = 10s;
  EngineHarness h(1, c);
  TimePoint t{};
  h.begin_join(2, t);
  for (int i = 0; i < 3000; ++i) h.engine.handle_timer(t += 10ms);  // 30 s
  EXPECT_EQ(h.env.count(Event::Kind::join_failed, member_id(1)), 1u);
  // Two requests in the rounds, then one every reconnect interval after the failure at 2 s.
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().size(), 2u + 2u);
  h.answer_join(cluster_of(2, 3), t);
  EXPECT_TRUE(h.engine.joined());
}

TEST(Join, TheSeedTellsARestartedMemberItsPreviousStoreEpoch) {
  EngineHarness h(1);  // incarnation 0: no memory at all
  const TimePoint t{};
  h.begin_join(2, t);
  const std::uint64_t mine = h.engine.own_store().epoch();
  const std::uint64_t previous = core::make_epoch(core::epoch_counter(mine) + 4, 0x1234);
  wire::JoinResponse r = cluster_of(2, 3);
  r.joiner_store = wire::OwnerVersion{member_id(1), previous, 17};
  h.answer_join(r, t);
  ASSERT_TRUE(h.engine.joined());
  EXPECT_GT(h.engine.own_store().epoch(), previous);
  EXPECT_EQ(core::epoch_nonce(h.engine.own_store().epoch()), core::epoch_nonce(mine));
  EXPECT_EQ(h.engine.stats().store_epoch_raises, 1u);
}

TEST(Join, ASeedAnswersWithEveryStoreWithinTheStreamLimit) {
  // 70 members each holding one value at the configured maximum: 4.5 MB of state against a
  // 4 MiB stream limit. Every message the seed sends must fit, and a joiner fed with all of
  // them must hold every store.
  Config c = test::quiet_config();
  EngineHarness seed(2, c);
  TimePoint t{};
  seed.begin_join(3, t);
  seed.answer_join(cluster_of(3, 72), t);
  ASSERT_TRUE(seed.engine.joined());
  const std::string value(c.store.max_value_bytes, 'v');
  for (std::uint64_t n = 3; n <= 72; ++n) {
    wire::StoreSync sync;
    sync.snapshots.push_back(wire::StoreSnapshot{member_id(n),
                                                 core::make_epoch(1, 1),
                                                 1,
                                                 0,
                                                 false,
                                                 {wire::StoreItem{"big", value, 1, false}}});
    seed.deliver_stream(wire::Packet{sync, {}, {}}, 5, t);
  }
  ASSERT_EQ(seed.engine.directory().find_by_key("big").size(), 70u);

  seed.env.sent.clear();
  wire::JoinRequest request{alive(1), 42};
  seed.deliver_stream(wire::Packet{request, {}, {}}, 7, t);
  EngineHarness joiner(1, c);
  joiner.begin_join(2, t);
  std::size_t messages = 0;
  for (const test::Sent& s : seed.env.sent) {
    if (!s.reply_to) {
      // The seed also pushes the news of the joiner to its overlay peers: never an answer.
      EXPECT_TRUE(std::holds_alternative<wire::Push>(s.packet.body))
          << "every answer on the connection";
      continue;
    }
    ASSERT_EQ(s.reply_to, std::optional<core::StreamId>(7)) << "every answer on the connection";
    const wire::Bytes bytes = wire::encode(s.packet);
    EXPECT_LE(bytes.size(), c.network.max_stream_message);
    ++messages;
    wire::Packet p = s.packet;
    if (auto* r = std::get_if<wire::JoinResponse>(&p.body)) {
      EXPECT_EQ(r->request, 42u);
      r->request = joiner.last_join_request();
    }
    joiner.deliver_stream(p, 1, t);
  }
  EXPECT_GE(messages, 2u);
  ASSERT_TRUE(joiner.engine.joined());
  EXPECT_EQ(joiner.engine.directory().find_by_key("big").size(), 70u);
  for (std::uint64_t n = 3; n <= 72; ++n) {
    auto v = joiner.engine.directory().value(member_id(n), "big");
    ASSERT_TRUE(v.has_value()) << n;
    EXPECT_EQ(v->value.size(), value.size());
  }
}

}  // namespace
}  // namespace convoy

namespace convoy {
namespace {

TEST(FastJoin, ARefusedSeedIsSkippedAtOnceButARoundOfRefusalsWaitsForTheTimeout) {
  Config c = test::quiet_config();
  c.protocol.join_timeout = 2s;
  EngineHarness h(1, c);
  const Address seeds[] = {member_address(2), member_address(3), member_address(4)};
  TimePoint t{};
  h.engine.join(seeds, t);
  ASSERT_EQ(h.sent_of<wire::JoinRequest>().back()->to, member_address(2));

  // Nothing listens at the first seed: the second is asked at once.
  h.engine.stream_failed(member_address(2), t += 1ms);
  ASSERT_EQ(h.sent_of<wire::JoinRequest>().size(), 2u);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().back()->to, member_address(3));
  // A refusal from a seed we are not waiting for changes nothing.
  h.engine.stream_failed(member_address(2), t += 1ms);
  h.engine.stream_failed(member_address(9), t += 1ms);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().size(), 2u);

  h.engine.stream_failed(member_address(3), t += 1ms);
  ASSERT_EQ(h.sent_of<wire::JoinRequest>().size(), 3u);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().back()->to, member_address(4));
  // The last seed of the round refuses too: the next round starts only at its timeout, so that
  // members started together do not spend their rounds before their seeds listen.
  h.engine.stream_failed(member_address(4), t += 1ms);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().size(), 3u);
  for (int i = 0; i < 150; ++i) h.engine.handle_timer(t += 10ms);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().size(), 3u) << "1.5 s: still waiting";
  for (int i = 0; i < 60; ++i) h.engine.handle_timer(t += 10ms);
  ASSERT_EQ(h.sent_of<wire::JoinRequest>().size(), 4u);
  EXPECT_EQ(h.sent_of<wire::JoinRequest>().back()->to, member_address(2));
  EXPECT_EQ(h.env.count(Event::Kind::join_failed, member_id(1)), 0u);

  // The answer to the request outstanding is accepted as always.
  h.answer_join(cluster_of(2, 3), t);
  EXPECT_TRUE(h.engine.joined());
}

TEST(FastJoin, TheFirstExchangeAfterAJoinWaitsForTheViewToBeStillNotForAFixedDelay) {
  Config c = test::quiet_config();
  c.protocol.post_join_sync = 5s;
  c.dissemination.gossip_interval = 200ms;  // still for 400 ms
  EngineHarness h(1, c);
  TimePoint t{};
  h.begin_join(2, t);
  h.answer_join(cluster_of(2, 3), t);
  ASSERT_TRUE(h.engine.joined());
  h.env.sent.clear();
  // The view keeps changing every 300 ms for 3 s (members joining): no exchange meanwhile.
  for (std::uint64_t n = 10; n < 20; ++n) {
    for (int i = 0; i < 30; ++i) h.engine.handle_timer(t += 10ms);
    h.deliver(wire::Packet{wire::Gossip{}, {alive(n)}, {}}, member_address(2), t);
  }
  EXPECT_TRUE(h.sent_of<wire::PushPull>().empty());
  const TimePoint still_from = t;
  while (h.sent_of<wire::PushPull>().empty() && t < still_from + 10s)
    h.engine.handle_timer(t += 10ms);
  ASSERT_FALSE(h.sent_of<wire::PushPull>().empty());
  EXPECT_LE(t - still_from, 410ms) << "the exchange follows the view's settling";
  EXPECT_GE(t - still_from, 400ms);

  // A view that never settles is exchanged at post_join_sync at the latest.
  EngineHarness busy(5, c);
  TimePoint u{};
  busy.begin_join(2, u);
  busy.answer_join(cluster_of(2, 3), u);
  busy.env.sent.clear();
  std::uint64_t n = 100;
  while (busy.sent_of<wire::PushPull>().empty() && u < TimePoint{} + 20s) {
    for (int i = 0; i < 10; ++i) busy.engine.handle_timer(u += 10ms);
    busy.deliver(wire::Packet{wire::Gossip{}, {alive(n++)}, {}}, member_address(2), u);
  }
  ASSERT_FALSE(busy.sent_of<wire::PushPull>().empty());
  EXPECT_LE(u - TimePoint{}, 5s + 100ms);
}

}  // namespace
}  // namespace convoy
