// Unit tests of the core's membership rules, driving one Node by hand: incarnation precedence,
// refutation, leave versus dead, suspicion expiry, probe and join edge cases.
#include "core/engine.hpp"
#include "fake_environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace convoy {
namespace {

using convoy::Event;
using core::TimePoint;
using namespace std::chrono_literals;

MemberId mid(std::uint64_t n) {
  return MemberId{0xC0FFEE, n};
}
Address addr(std::uint8_t n) {
  return Address::v4(10, 0, 0, n, 7946);
}

wire::MemberUpdate update(std::uint64_t n, std::uint64_t inc, MemberStatus s) {
  return wire::MemberUpdate{mid(n), inc, s, addr(static_cast<std::uint8_t>(n))};
}

class NodeRules : public ::testing::Test {
 protected:
  NodeRules() : node_(config(), mid(1), addr(1), 0, 42, env_) { node_.start(t0_); }

  static convoy::Config config() {
    convoy::Config c;
    c.protocol.push_pull_interval = 1000s;  // keep unrelated traffic out of these tests
    c.protocol.reconnect_interval = 1000s;
    return c;
  }

  /// Delivers `updates` to the node as gossip from member 99.
  void gossip(std::initializer_list<wire::MemberUpdate> updates, TimePoint now) {
    wire::Packet p{wire::Gossip{}, std::vector<wire::MemberUpdate>(updates)};
    wire::Bytes bytes = wire::encode(p);
    node_.handle_datagram(addr(99), bytes, now);
  }

  MemberStatus status(std::uint64_t n) const { return node_.member(mid(n))->status; }
  std::uint64_t inc(std::uint64_t n) const { return node_.member(mid(n))->incarnation; }

  /// Every update the node piggybacked, in send order.
  std::vector<wire::MemberUpdate> piggybacked() const {
    std::vector<wire::MemberUpdate> out;
    for (const auto& s : env_.sent)
      for (const auto& u : s.packet.updates) out.push_back(u);
    return out;
  }

  /// Runs the node's timers from `from` to `to` in 10 ms steps.
  void run(TimePoint from, TimePoint to) {
    for (TimePoint t = from; t <= to; t += 10ms) node_.handle_timer(t);
  }

  test::FakeEnvironment env_;
  TimePoint t0_{};
  core::Engine node_;
};

TEST_F(NodeRules, HigherIncarnationWinsAndStatusBreaksTies) {
  gossip({update(2, 1, MemberStatus::alive)}, t0_);
  EXPECT_EQ(status(2), MemberStatus::alive);
  EXPECT_EQ(env_.count(Event::Kind::member_joined, mid(2)), 1u);

  gossip({update(2, 1, MemberStatus::suspect)}, t0_);
  EXPECT_EQ(status(2), MemberStatus::suspect);

  gossip({update(2, 1, MemberStatus::alive)}, t0_);  // same incarnation: suspect outranks alive
  EXPECT_EQ(status(2), MemberStatus::suspect);

  gossip({update(2, 0, MemberStatus::dead)}, t0_);  // older incarnation: ignored
  EXPECT_EQ(status(2), MemberStatus::suspect);

  gossip({update(2, 2, MemberStatus::alive)}, t0_);  // refutation
  EXPECT_EQ(status(2), MemberStatus::alive);
  EXPECT_EQ(inc(2), 2u);
  EXPECT_EQ(env_.count(Event::Kind::member_alive, mid(2)), 1u);

  gossip({update(2, 2, MemberStatus::dead)}, t0_);
  EXPECT_EQ(status(2), MemberStatus::dead);
  gossip({update(2, 2, MemberStatus::alive)}, t0_);  // dead outranks alive at equal incarnation
  EXPECT_EQ(status(2), MemberStatus::dead);
  gossip({update(2, 3, MemberStatus::alive)}, t0_);  // came back with a higher incarnation
  EXPECT_EQ(status(2), MemberStatus::alive);
  EXPECT_EQ(node_.count(MemberStatus::alive), 2u);
}

TEST_F(NodeRules, LeftIsNotDeadAndStaysLeft) {
  gossip({update(3, 4, MemberStatus::alive)}, t0_);
  gossip({update(3, 4, MemberStatus::left)}, t0_);
  EXPECT_EQ(status(3), MemberStatus::left);
  EXPECT_EQ(env_.count(Event::Kind::member_left, mid(3)), 1u);
  EXPECT_EQ(env_.count(Event::Kind::member_dead, mid(3)), 0u);
  gossip({update(3, 4, MemberStatus::dead)}, t0_);
  gossip({update(3, 4, MemberStatus::alive)}, t0_);
  EXPECT_EQ(status(3), MemberStatus::left);
  EXPECT_EQ(node_.stats().members_declared_dead, 0u);
}

TEST_F(NodeRules, SuspicionOfSelfIsRefutedWithHigherIncarnation) {
  gossip({update(2, 0, MemberStatus::alive)}, t0_);
  ASSERT_EQ(node_.incarnation(), 0u);
  gossip({wire::MemberUpdate{mid(1), 0, MemberStatus::suspect, addr(1)}}, t0_);
  EXPECT_EQ(node_.incarnation(), 1u);
  EXPECT_EQ(node_.stats().refutations, 1u);
  gossip({wire::MemberUpdate{mid(1), 5, MemberStatus::dead, addr(1)}}, t0_);
  EXPECT_EQ(node_.incarnation(), 6u);
  gossip({wire::MemberUpdate{mid(1), 3, MemberStatus::dead, addr(1)}}, t0_);  // stale
  EXPECT_EQ(node_.incarnation(), 6u);

  // The refutation goes out with the next packets.
  env_.sent.clear();
  run(t0_, t0_ + 2s);
  auto sent = piggybacked();
  EXPECT_TRUE(std::any_of(sent.begin(), sent.end(), [](const wire::MemberUpdate& u) {
    return u.id == mid(1) && u.incarnation == 6 && u.status == MemberStatus::alive;
  }));
}

TEST_F(NodeRules, AnotherProcessClaimingOurIdIsRefusedAndReportedOnce) {
  // Two processes with one id and different addresses used to refute each other forever: each
  // "alive at a higher incarnation" from the other made the node raise its own. Now the claim
  // is refused (no refutation, our incarnation and address stay), counted, and reported once.
  gossip({update(2, 0, MemberStatus::alive)}, t0_);
  const wire::MemberUpdate claim{mid(1), 3, MemberStatus::alive, addr(77)};
  gossip({claim}, t0_);
  gossip({claim}, t0_ + 100ms);  // the same claim again, as rumours repeat it
  EXPECT_EQ(node_.incarnation(), 0u);
  EXPECT_EQ(node_.stats().refutations, 0u);
  EXPECT_EQ(node_.member(mid(1))->address, addr(1));
  EXPECT_EQ(node_.stats().address_conflicts, 2u);
  EXPECT_EQ(env_.count(Event::Kind::conflict, mid(1)), 1u);
  // A newer claim is reported again.
  gossip({wire::MemberUpdate{mid(1), 4, MemberStatus::alive, addr(77)}}, t0_ + 200ms);
  EXPECT_EQ(env_.count(Event::Kind::conflict, mid(1)), 2u);
  EXPECT_EQ(node_.incarnation(), 0u);
}

TEST_F(NodeRules, UnansweredProbeLeadsToSuspicionThenDeath) {
  gossip({update(2, 0, MemberStatus::alive)}, t0_);
  // Nothing ever answers: the only member is probed, suspected, then declared dead after the
  // suspicion timeout (4 × max(1, log10 2) × 1 s = 4 s).
  run(t0_, t0_ + 3s);
  EXPECT_EQ(status(2), MemberStatus::suspect);
  EXPECT_GE(node_.stats().probes_failed, 1u);
  run(t0_ + 3s, t0_ + 20s);
  EXPECT_EQ(status(2), MemberStatus::dead);
  EXPECT_EQ(env_.count(Event::Kind::member_dead, mid(2)), 1u);
  EXPECT_EQ(node_.count(MemberStatus::alive), 1u);
}

TEST_F(NodeRules, AckedProbesKeepMemberAlive) {
  gossip({update(2, 0, MemberStatus::alive)}, t0_);
  for (TimePoint t = t0_; t <= t0_ + 30s; t += 10ms) {
    node_.handle_timer(t);
    for (const auto& s : env_.sent)
      if (auto* ping = std::get_if<wire::Ping>(&s.packet.body)) {
        wire::Bytes ack = wire::encode(wire::Packet{wire::Ack{ping->seq}, {}});
        node_.handle_datagram(s.to, ack, t);
      }
    env_.sent.clear();
  }
  EXPECT_EQ(status(2), MemberStatus::alive);
  EXPECT_EQ(node_.stats().probes_failed, 0u);
  EXPECT_GT(node_.stats().probes_sent, 20u);
}

TEST_F(NodeRules, PingForAnotherIdIsNotAcked) {
  wire::Bytes ping = wire::encode(wire::Packet{wire::Ping{7, mid(77)}, {}});
  node_.handle_datagram(addr(2), ping, t0_);
  EXPECT_TRUE(env_.sent.empty());
  wire::Bytes mine = wire::encode(wire::Packet{wire::Ping{8, mid(1)}, {}});
  node_.handle_datagram(addr(2), mine, t0_);
  ASSERT_EQ(env_.sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Ack>(env_.sent[0].packet.body).seq, 8u);
}

TEST_F(NodeRules, FullStateDeathIsOnlySuspicion) {
  gossip({update(2, 1, MemberStatus::alive)}, t0_);
  wire::Packet pp{wire::PushPull{true, {update(2, 1, MemberStatus::dead)}}, {}};
  wire::Bytes bytes = wire::encode(pp);
  node_.handle_stream(1, addr(2), bytes, t0_);
  EXPECT_EQ(status(2), MemberStatus::suspect);
}

TEST_F(NodeRules, UpdateIsSentAtMostFactorTimesLnN) {
  // Cluster of 2 (self + member 2): limit = 3 × ⌈ln 3⌉ = 6 sends per update.
  gossip({update(2, 0, MemberStatus::alive)}, t0_);
  gossip({update(3, 0, MemberStatus::dead)}, t0_);  // unknown and dead: a tombstone, not news
  env_.sent.clear();
  run(t0_, t0_ + 60s);
  auto sent = piggybacked();
  auto about2 = std::count_if(sent.begin(), sent.end(),
                              [](const wire::MemberUpdate& u) { return u.id == mid(2); });
  auto about3 = std::count_if(sent.begin(), sent.end(),
                              [](const wire::MemberUpdate& u) { return u.id == mid(3); });
  EXPECT_EQ(about3, 0);
  // Member 2 is suspected and then declared dead along the way (nobody acks): each of its
  // three states (alive, suspect, dead) is sent at most 6 times.
  EXPECT_GT(about2, 0);
  EXPECT_LE(about2, 18);
}

TEST(NodeJoin, NoSeedAnsweringIsAClearError) {
  test::FakeEnvironment env;
  convoy::Config c;
  c.protocol.join_timeout = 1s;
  c.protocol.join_rounds = 2;
  core::Engine node(c, mid(1), addr(1), 0, 7, env);
  std::vector<Address> seeds{addr(2), addr(3)};
  TimePoint t{};
  node.join(seeds, t);
  for (int i = 0; i < 1000; ++i) node.handle_timer(t += 10ms);
  ASSERT_EQ(env.count(Event::Kind::join_failed, mid(1)), 1u);
  EXPECT_FALSE(node.joined());
  std::size_t requests = 0;
  for (const auto& s : env.sent)
    requests += std::holds_alternative<wire::JoinRequest>(s.packet.body);
  EXPECT_EQ(requests, 4u);  // 2 seeds × 2 rounds
  const auto& failed = *std::find_if(env.events.begin(), env.events.end(), [](const Event& e) {
    return e.kind == Event::Kind::join_failed;
  });
  EXPECT_NE(failed.detail.find("10.0.0.2:7946"), std::string::npos);
}

TEST(NodeJoin, JoinerLearnsFullStateWithoutRegossipingIt) {
  test::FakeEnvironment env;
  core::Engine node(convoy::Config{}, mid(1), addr(1), 0, 7, env);
  std::vector<Address> seeds{addr(2)};
  TimePoint t{};
  node.join(seeds, t);
  ASSERT_EQ(env.sent.size(), 1u);
  EXPECT_TRUE(env.sent[0].stream);
  wire::JoinResponse resp;
  resp.request = std::get<wire::JoinRequest>(env.sent[0].packet.body).request;
  for (std::uint64_t n = 2; n < 40; ++n) resp.members.push_back(update(n, 0, MemberStatus::alive));
  wire::Bytes bytes = wire::encode(wire::Packet{resp, {}});
  node.handle_stream(1, addr(2), bytes, t);
  EXPECT_TRUE(node.joined());
  EXPECT_EQ(node.count(MemberStatus::alive), 39u);
  env.sent.clear();
  node.handle_timer(t + 1s);  // probe + gossip: only our own alive announcement is queued
  for (const auto& s : env.sent)
    for (const auto& u : s.packet.updates) EXPECT_EQ(u.id, mid(1));
}

TEST(NodeStreams, AnswersToStreamMessagesGoBackOnTheirConnection) {
  test::FakeEnvironment env;
  core::Engine node(convoy::Config{}, mid(1), addr(1), 0, 7, env);
  TimePoint t{};
  node.start(t);
  // An incoming connection shows an ephemeral port: answering it by address would reach nobody.
  const Address ephemeral = Address::v4(10, 0, 0, 2, 51234);
  const core::StreamId connection = 77;
  env.sent.clear();
  node.handle_stream(
      connection, ephemeral,
      wire::encode(wire::Packet{wire::JoinRequest{update(2, 0, MemberStatus::alive)}}), t);
  node.handle_stream(
      connection, ephemeral,
      wire::encode(wire::Packet{wire::PushPull{false, {update(3, 0, MemberStatus::alive)}}}), t);
  node.handle_stream(
      connection, ephemeral,
      wire::encode(wire::Packet{wire::StoreWrite{5, mid(1), "k", "v", 0, false, mid(2), 0}}), t);
  std::size_t answers = 0;
  for (const auto& s : env.sent) {
    EXPECT_NE(s.to, ephemeral);
    const bool answer = std::holds_alternative<wire::JoinResponse>(s.packet.body) ||
                        std::holds_alternative<wire::PushPull>(s.packet.body) ||
                        std::holds_alternative<wire::StoreWriteResult>(s.packet.body);
    if (!answer) continue;
    ++answers;
    EXPECT_EQ(s.reply_to, std::optional<core::StreamId>(connection));
  }
  EXPECT_EQ(answers, 3u);
}

TEST(NodeLeave, OthersSeeLeftNotDead) {
  test::FakeEnvironment env;
  core::Engine node(convoy::Config{}, mid(1), addr(1), 3, 7, env);
  node.start(TimePoint{});
  wire::Bytes g = wire::encode(wire::Packet{wire::Gossip{}, {update(2, 0, MemberStatus::alive)}});
  node.handle_datagram(addr(2), g, TimePoint{});
  env.sent.clear();
  node.leave(TimePoint{});
  EXPECT_TRUE(node.left());
  ASSERT_FALSE(env.sent.empty());
  bool announced = false;
  for (const auto& u : env.sent[0].packet.updates)
    announced |= u.id == mid(1) && u.status == MemberStatus::left && u.incarnation == 3;
  EXPECT_TRUE(announced);
}

}  // namespace
}  // namespace convoy
