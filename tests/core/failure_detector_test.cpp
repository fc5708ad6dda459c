// Unit tests of the failure detector through one engine driven by hand: Lifeguard's nacks and
// local health score, the stretched probe period, relays and their nack deadline, which
// incarnation a failed probe suspects, alive-only relays, the buddy system and suspicion expiry.
//
// Time moves only when a test says so: the driver jumps from one wake-up the engine asked for
// to the next, so every send happens at the exact instant the engine chose, and every packet
// the engine sends is stamped with that instant and shown to the test's responder at once.
#include "core/engine.hpp"
#include "fake_environment.hpp"
#include "wire/codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <variant>
#include <vector>

namespace convoy {
namespace {

using convoy::Event;
using core::Duration;
using core::TimePoint;
using test::Sent;
using namespace std::chrono_literals;

MemberId mid(std::uint64_t n) {
  return MemberId{0xC0FFEE, n};
}
Address addr(std::uint64_t n) {
  return Address::v4(10, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n), 7946);
}
/// The member number behind addr(n).
std::uint64_t number_of(const Address& a) {
  for (std::uint64_t n = 0; n < 2048; ++n)
    if (addr(n) == a) return n;
  return 0;
}
wire::MemberUpdate update(std::uint64_t n, std::uint64_t inc, MemberStatus s) {
  return wire::MemberUpdate{mid(n), inc, s, addr(n)};
}

/// Everything not under test pushed out of the way: no push-pull, reconnect, store digests, and
/// (unless a test wants it) no gossip ticks.
Config quiet() {
  Config c;
  c.protocol.push_pull_interval = 10000s;
  c.protocol.reconnect_interval = 10000s;
  c.protocol.post_join_sync = 10000s;
  c.store.sync_interval = 10000s;
  c.store.tombstone_grace = 100000s;
  c.dissemination.gossip_interval = 10000s;
  return c;
}

struct Stamp {
  TimePoint at;
  std::size_t index = 0;  // into env.sent
};

/// One engine (member 1) and the world around it.
class Driver {
 public:
  explicit Driver(Config config = quiet(), std::uint64_t seed = 42)
      : config_(std::move(config)), engine(config_, mid(1), addr(1), 0, seed, env) {}

  void start() {
    engine.start(now);
    settle();
  }
  /// Joins through member `seed_n`, which answers at once with `members` (join state: learned
  /// but not spread).
  void join_through(std::uint64_t seed_n, std::vector<wire::MemberUpdate> members) {
    const Address seeds[] = {addr(seed_n)};
    engine.join(seeds, now);
    settle();
    std::uint64_t request = 0;
    for (const Sent& s : env.sent)
      if (const auto* r = std::get_if<wire::JoinRequest>(&s.packet.body)) request = r->request;
    ASSERT_NE(request, 0u);
    wire::JoinResponse response;
    response.members = std::move(members);
    response.request = request;
    const wire::Bytes bytes = wire::encode(wire::Packet{std::move(response), {}, {}});
    engine.handle_stream(1, addr(seed_n), bytes, now);
    settle();
    ASSERT_TRUE(engine.joined());
  }

  /// Called with every packet the engine sends, at the instant it sends it; it may answer with
  /// deliver().
  std::function<void(const Sent&)> respond;

  void deliver(const wire::Packet& packet, const Address& from) {
    const wire::Bytes bytes = wire::encode(packet);
    engine.handle_datagram(from, bytes, now);
    settle();
  }
  void gossip(std::vector<wire::MemberUpdate> updates) {
    // In batches, so that any cluster size fits a datagram.
    for (std::size_t i = 0; i < updates.size(); i += 200) {
      const auto end =
          updates.begin() + static_cast<std::ptrdiff_t>(std::min(i + 200, updates.size()));
      deliver(
          wire::Packet{wire::Gossip{}, {updates.begin() + static_cast<std::ptrdiff_t>(i), end}, {}},
          addr(999));
    }
  }
  /// News that we are suspected: the engine refutes it, and its health score rises by one.
  void suspect_self() {
    gossip({wire::MemberUpdate{mid(1), engine.incarnation(), MemberStatus::suspect, addr(1)}});
  }

  /// Runs every timer due up to and including `to`, then stands at `to`.
  void run_to(TimePoint to) {
    run_while(to, [] { return true; });
    now = std::max(now, to);
  }
  /// Runs timers until `done()` holds (checked after each wake-up) or `limit` passes; true if
  /// `done()` held.
  bool run_until(const std::function<bool()>& done, TimePoint limit) {
    run_while(limit, [&] { return !done(); });
    return done();
  }

  // --- What the engine sent -------------------------------------------------------------------

  template <class B>
  [[nodiscard]] std::vector<Stamp> sent_of() const {
    std::vector<Stamp> out;
    for (const Stamp& s : stamps_)
      if (std::holds_alternative<B>(env.sent[s.index].packet.body)) out.push_back(s);
    return out;
  }
  template <class B>
  [[nodiscard]] std::size_t count_of() const {
    return sent_of<B>().size();
  }
  template <class B>
  [[nodiscard]] const B& body(const Stamp& s) const {
    return std::get<B>(env.sent[s.index].packet.body);
  }
  [[nodiscard]] const Sent& sent(const Stamp& s) const { return env.sent[s.index]; }

  [[nodiscard]] MemberStatus status(std::uint64_t n) const { return engine.member(mid(n))->status; }
  [[nodiscard]] std::uint64_t inc(std::uint64_t n) const {
    return engine.member(mid(n))->incarnation;
  }
  [[nodiscard]] std::uint32_t score() const { return engine.health_score(); }

  test::FakeEnvironment env;
  TimePoint now{};

 private:
  Config config_;

 public:
  core::Engine engine;

 private:
  /// Stamps what the engine sent since the last call and shows it to the responder (whose
  /// answers may make the engine send more, which is stamped and shown in turn).
  void settle() {
    if (settling_) return;
    settling_ = true;
    while (seen_ < env.sent.size()) {
      const std::size_t i = seen_++;
      stamps_.push_back(Stamp{now, i});
      if (respond) {
        const Sent copy = env.sent[i];  // respond() may grow env.sent
        respond(copy);
      }
    }
    settling_ = false;
  }

  /// Wake-ups up to `limit`, while `go()` holds.
  void run_while(TimePoint limit, const std::function<bool()>& go) {
    while (env.wake && *env.wake <= limit) {
      if (!go()) return;
      TimePoint at = *env.wake;
      if (at <= last_timer_) {
        ADD_FAILURE() << "the engine asked to be woken at a time it was already woken at";
        at = last_timer_ + 1ms;
        if (at > limit) break;
      }
      now = std::max(now, at);
      last_timer_ = now;
      engine.handle_timer(now);
      settle();
    }
  }

  std::vector<Stamp> stamps_;
  std::size_t seen_ = 0;
  bool settling_ = false;
  TimePoint last_timer_ = TimePoint::min();
};

std::vector<wire::MemberUpdate> alive_members(std::uint64_t from, std::uint64_t to) {
  std::vector<wire::MemberUpdate> out;
  for (std::uint64_t n = from; n <= to; ++n) out.push_back(update(n, 0, MemberStatus::alive));
  return out;
}

/// A relay's answer to a PingReq it got: nack it.
void nack(Driver& d, const Sent& s) {
  d.deliver(wire::Packet{wire::Nack{std::get<wire::PingReq>(s.packet.body).seq}, {}, {}}, s.to);
}

// =============================================================================================
// 1. Nacks and the health score

/// A probe that fails with three relays asked, `nacks` of which nack: the score rises by the
/// nacks that never came. The score starts at 2 (two refutations) so that "+0" is told apart
/// from "-1".
class FailedProbeScore : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(FailedProbeScore, RisesByOneForEveryMissingNack) {
  const std::uint32_t nacks = GetParam();
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));  // a target and three relays, whoever is probed first
  d.suspect_self();
  d.suspect_self();
  ASSERT_EQ(d.score(), 2u);

  std::uint32_t nacked = 0;
  d.respond = [&](const Sent& s) {
    if (std::holds_alternative<wire::PingReq>(s.packet.body) && nacked < nacks) {
      ++nacked;
      nack(d, s);
    }
  };
  // The first probe fails; the second probe's tick judges it.
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.count_of<wire::PingReq>(), 3u);
  EXPECT_EQ(nacked, nacks);
  EXPECT_EQ(d.engine.stats().probes_failed, 1u);
  EXPECT_EQ(d.score(), 2u + 3u - nacks);
}

INSTANTIATE_TEST_SUITE_P(FailureDetector, FailedProbeScore, ::testing::Values(0u, 1u, 2u, 3u));

TEST(FailureDetector, FailedProbeWithNoRelayToAskCostsOne) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 2));  // the target is the only other member
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.count_of<wire::PingReq>(), 0u);
  EXPECT_EQ(d.engine.stats().probes_failed, 1u);
  EXPECT_EQ(d.score(), 1u);
}

TEST(FailureDetector, NacksForAnotherProbeDoNotCount) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  d.respond = [&](const Sent& s) {
    if (const auto* req = std::get_if<wire::PingReq>(&s.packet.body))
      d.deliver(wire::Packet{wire::Nack{req->seq + 1000}, {}, {}}, s.to);  // wrong seq
  };
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.score(), 3u);
}

// DISABLED: a known defect (see the report). Nacks are counted by the probe's seq alone, not by
// relay: a datagram the network duplicates, or a Nack from anyone who guesses the (sequential)
// seq, stands in for a relay that never answered. Two relays owed a nack and sent none: +2, not
// +1.
TEST(FailureDetector, DuplicatedNackDoesNotStandInForAMissingOne) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  bool first = true;
  d.respond = [&](const Sent& s) {
    if (!std::holds_alternative<wire::PingReq>(s.packet.body) || !first) return;
    first = false;
    nack(d, s);
    nack(d, s);
  };
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.count_of<wire::PingReq>(), 3u);
  EXPECT_EQ(d.score(), 2u);
}

TEST(FailureDetector, RefutingASuspicionOfOurselvesCostsOne) {
  Driver d;
  d.start();
  d.suspect_self();
  EXPECT_EQ(d.score(), 1u);
  EXPECT_EQ(d.engine.incarnation(), 1u);
  // Stale news (an older incarnation) is not refuted and costs nothing.
  d.gossip({wire::MemberUpdate{mid(1), 0, MemberStatus::suspect, addr(1)}});
  EXPECT_EQ(d.score(), 1u);
  d.suspect_self();
  EXPECT_EQ(d.score(), 2u);
}

TEST(FailureDetector, ScoreNeverExceedsAwarenessMax) {
  Config c = quiet();
  c.protocol.awareness_max = 5;
  Driver d(c);
  d.start();
  for (int i = 0; i < 9; ++i) d.suspect_self();
  EXPECT_EQ(d.score(), 5u);
}

/// Every probe fails, no relay ever nacks: +3 per probe, capped at awareness_max (8):
/// 3, 6, 8, 8, 8. Also catches a probe whose indirect round is skipped (it would cost +1).
TEST(FailureDetector, FailedProbesSaturateAtAwarenessMax) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 30));
  std::vector<std::uint32_t> scores;
  for (std::size_t probes = 2; probes <= 6; ++probes) {
    ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= probes; }, d.now + 60s));
    scores.push_back(d.score());
  }
  EXPECT_EQ(scores, (std::vector<std::uint32_t>{3, 6, 8, 8, 8}));
  EXPECT_EQ(d.count_of<wire::PingReq>(), 15u) << "every probe but the last asks three relays";
}

TEST(FailureDetector, AckedProbesLowerTheScoreToZeroAndNoFurther) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  for (int i = 0; i < 9; ++i) d.suspect_self();
  ASSERT_EQ(d.score(), 8u);
  d.respond = [&](const Sent& s) {
    if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
      d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
  };
  for (std::uint32_t k = 1; k <= 11; ++k) {
    ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= k; }, d.now + 60s));
    EXPECT_EQ(d.score(), k <= 8 ? 8 - k : 0u) << "after acked probe " << k;
  }
  EXPECT_EQ(d.engine.stats().probes_failed, 0u);
}

/// An ack that comes back twice (the network duplicates datagrams) lowers the score once.
TEST(FailureDetector, DuplicateAckLowersTheScoreOnce) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  for (int i = 0; i < 4; ++i) d.suspect_self();
  d.respond = [&](const Sent& s) {
    if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body)) {
      d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
      d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
    }
  };
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 1; }, d.now + 60s));
  EXPECT_EQ(d.score(), 3u);
}

/// The probe sent in the very tick that judged the last one a failure (and raised the score)
/// still gets its indirect round, before its own period ends, and its period and timeout are
/// stretched by the same, new score.
TEST(FailureDetector, ProbeAfterTheScoreRoseStillAsksRelays) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 30));
  std::uint32_t score_at_ping2 = 0;
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  score_at_ping2 = d.score();
  ASSERT_EQ(score_at_ping2, 3u);  // the first probe failed, nobody nacked
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 3; }, d.now + 60s));

  const auto pings = d.sent_of<wire::Ping>();
  std::vector<Stamp> reqs;
  for (const Stamp& s : d.sent_of<wire::PingReq>())
    if (s.at >= pings[1].at && s.at < pings[2].at) reqs.push_back(s);
  const std::uint32_t scale = 1 + score_at_ping2;
  ASSERT_EQ(reqs.size(), 3u) << "the second probe asked no relay";
  EXPECT_EQ(reqs[0].at - pings[1].at, scale * Duration(500ms));
  EXPECT_EQ(pings[2].at - pings[1].at, scale * Duration(1s));
}

// =============================================================================================
// 2. Health stretches probing

/// With score s held steady (every probe fails, every relay nacks: +0), pings go out every
/// (1 + s) × probe_interval, PingReqs (1 + s) × probe_timeout after their ping, and each
/// PingReq gives the relays the rest of the period.
class StretchedProbing : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(StretchedProbing, IntervalAndTimeoutScaleWithOnePlusScore) {
  const std::uint32_t s = GetParam();
  Driver d;
  d.start();
  d.gossip(alive_members(2, 20));
  for (std::uint32_t i = 0; i < s; ++i) d.suspect_self();
  ASSERT_EQ(d.score(), s);
  d.respond = [&](const Sent& sent) {
    if (std::holds_alternative<wire::PingReq>(sent.packet.body)) nack(d, sent);
  };
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 6; }, d.now + 200s));
  EXPECT_EQ(d.score(), s);

  const auto pings = d.sent_of<wire::Ping>();
  const auto reqs = d.sent_of<wire::PingReq>();
  ASSERT_EQ(reqs.size(), 15u);  // 3 for each of the 5 complete probes
  for (std::size_t k = 0; k + 1 < pings.size(); ++k) {
    EXPECT_EQ(pings[k + 1].at - pings[k].at, (1 + s) * Duration(1s)) << "probe " << k;
    for (std::size_t r = 3 * k; r < 3 * k + 3; ++r) {
      EXPECT_EQ(reqs[r].at - pings[k].at, (1 + s) * Duration(500ms)) << "probe " << k;
      EXPECT_EQ(d.body<wire::PingReq>(reqs[r]).nack_after_ms, (1 + s) * 500u) << "probe " << k;
      EXPECT_EQ(d.body<wire::PingReq>(reqs[r]).seq, d.body<wire::Ping>(pings[k]).seq);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(FailureDetector, StretchedProbing, ::testing::Values(0u, 1u, 3u, 8u));

// =============================================================================================
// 3. Relays nack by the requester's deadline

/// The engine alone (nobody to probe or gossip to) relays for member 3; its own score is
/// raised first, by refutations. Whatever that score, the nack goes out at 80 % of the
/// requester's nack_after_ms, or of the unstretched probe_timeout if the request says 0.
struct RelayCase {
  std::uint32_t own_score;
  std::uint32_t nack_after_ms;
  Duration nack_after;  // expected
};

class RelayNack : public ::testing::TestWithParam<RelayCase> {};

TEST_P(RelayNack, AtFourFifthsOfTheRequestersDeadlineWhateverOurHealth) {
  const RelayCase c = GetParam();
  Driver d;
  d.start();
  for (std::uint32_t i = 0; i < c.own_score; ++i) d.suspect_self();
  ASSERT_EQ(d.score(), c.own_score);
  d.run_to(d.now + 10s);
  ASSERT_TRUE(d.env.sent.empty());

  const TimePoint t = d.now;
  d.deliver(wire::Packet{wire::PingReq{77, mid(5), addr(5), c.nack_after_ms}, {}, {}}, addr(3));
  const auto pings = d.sent_of<wire::Ping>();
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(d.sent(pings[0]).to, addr(5));
  EXPECT_EQ(d.body<wire::Ping>(pings[0]).target, mid(5));
  EXPECT_EQ(pings[0].at, t);

  d.run_to(t + c.nack_after - 1ns);
  EXPECT_EQ(d.count_of<wire::Nack>(), 0u) << "nacked early";
  d.run_to(t + c.nack_after);
  const auto nacks = d.sent_of<wire::Nack>();
  ASSERT_EQ(nacks.size(), 1u) << "no nack by the deadline";
  EXPECT_EQ(d.sent(nacks[0]).to, addr(3));
  EXPECT_EQ(d.body<wire::Nack>(nacks[0]).seq, 77u);

  // The target answers late: nothing more goes to the requester.
  d.run_to(t + c.nack_after + 50ms);
  d.deliver(wire::Packet{wire::Ack{d.body<wire::Ping>(pings[0]).seq}, {}, {}}, addr(5));
  d.run_to(t + 100s);
  EXPECT_EQ(d.count_of<wire::Nack>(), 1u);
  EXPECT_EQ(d.count_of<wire::Ack>(), 0u);
}

INSTANTIATE_TEST_SUITE_P(FailureDetector, RelayNack,
                         ::testing::Values(RelayCase{0, 1000, 800ms}, RelayCase{8, 1000, 800ms},
                                           RelayCase{0, 400, 320ms}, RelayCase{8, 400, 320ms},
                                           RelayCase{0, 0, 400ms}, RelayCase{8, 0, 400ms}));

TEST(FailureDetector, RelayForwardsTheTargetsAckWithTheRequestersSeq) {
  Driver d;
  d.start();
  d.deliver(wire::Packet{wire::PingReq{77, mid(5), addr(5), 1000}, {}, {}}, addr(3));
  const auto pings = d.sent_of<wire::Ping>();
  ASSERT_EQ(pings.size(), 1u);
  const std::uint64_t relay_seq = d.body<wire::Ping>(pings[0]).seq;

  d.run_to(d.now + 100ms);
  d.deliver(wire::Packet{wire::Ack{relay_seq}, {}, {}}, addr(5));
  auto acks = d.sent_of<wire::Ack>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(d.sent(acks[0]).to, addr(3));
  EXPECT_EQ(d.body<wire::Ack>(acks[0]).seq, 77u);

  // A duplicate of the target's ack is not forwarded again, and no nack follows.
  d.deliver(wire::Packet{wire::Ack{relay_seq}, {}, {}}, addr(5));
  d.run_to(d.now + 100s);
  EXPECT_EQ(d.count_of<wire::Ack>(), 1u);
  EXPECT_EQ(d.count_of<wire::Nack>(), 0u);
}

TEST(FailureDetector, RelaysForTwoRequestersAnswerEachByItsOwnDeadline) {
  Driver d;
  d.start();
  const TimePoint t = d.now;
  d.deliver(wire::Packet{wire::PingReq{70, mid(5), addr(5), 1000}, {}, {}}, addr(3));
  d.deliver(wire::Packet{wire::PingReq{70, mid(6), addr(6), 250}, {}, {}}, addr(4));
  d.deliver(wire::Packet{wire::PingReq{71, mid(5), addr(5), 500}, {}, {}}, addr(4));
  const auto pings = d.sent_of<wire::Ping>();
  ASSERT_EQ(pings.size(), 3u);
  // Member 5 answers the first ping only.
  d.deliver(wire::Packet{wire::Ack{d.body<wire::Ping>(pings[0]).seq}, {}, {}}, addr(5));
  d.run_to(t + 10s);
  const auto nacks = d.sent_of<wire::Nack>();
  ASSERT_EQ(nacks.size(), 2u);
  EXPECT_EQ(nacks[0].at, t + 200ms);
  EXPECT_EQ(d.sent(nacks[0]).to, addr(4));
  EXPECT_EQ(d.body<wire::Nack>(nacks[0]).seq, 70u);
  EXPECT_EQ(nacks[1].at, t + 400ms);
  EXPECT_EQ(d.sent(nacks[1]).to, addr(4));
  EXPECT_EQ(d.body<wire::Nack>(nacks[1]).seq, 71u);
  const auto acks = d.sent_of<wire::Ack>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(d.sent(acks[0]).to, addr(3));
  EXPECT_EQ(d.body<wire::Ack>(acks[0]).seq, 70u);
}

// =============================================================================================
// 4. A failed probe suspects the incarnation that was probed

TEST(FailureDetector, FailedProbeSuspectsTheProbedIncarnation) {
  Driver d;
  d.start();
  d.gossip({update(2, 5, MemberStatus::alive)});
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.status(2), MemberStatus::suspect);
  EXPECT_EQ(d.inc(2), 5u);
  EXPECT_EQ(d.env.count(Event::Kind::member_suspect, mid(2)), 1u);
}

TEST(FailureDetector, FailedProbeDoesNotSuspectANewerIncarnation) {
  Driver d;
  d.start();
  d.gossip({update(2, 5, MemberStatus::alive)});
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 1; }, d.now + 30s));
  // Within the probe period, member 2 is heard of alive at 6 (it refuted something).
  d.run_to(d.now + 300ms);
  d.gossip({update(2, 6, MemberStatus::alive)});
  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 30s));
  EXPECT_EQ(d.engine.stats().probes_failed, 1u);
  EXPECT_EQ(d.status(2), MemberStatus::alive);
  EXPECT_EQ(d.inc(2), 6u);
  EXPECT_EQ(d.env.count(Event::Kind::member_suspect, mid(2)), 0u);
}

// =============================================================================================
// 5. Relays are alive members only

TEST(FailureDetector, PingReqsGoToAliveMembersOnly) {
  Driver d;
  d.start();
  constexpr std::uint64_t kFirst = 2, kLast = 13;
  std::vector<std::uint64_t> incarnation(kLast + 1, 0);
  d.gossip(alive_members(kFirst, kLast));

  std::size_t with_suspects = 0;  // PingReqs sent while some possible relay was suspect
  std::size_t bad = 0;
  std::uint64_t target = 0;
  d.respond = [&](const Sent& s) {
    if (std::holds_alternative<wire::Ping>(s.packet.body)) target = number_of(s.to);
    const auto* req = std::get_if<wire::PingReq>(&s.packet.body);
    if (req == nullptr) return;
    const std::uint64_t relay = number_of(s.to);
    EXPECT_NE(relay, target);
    EXPECT_EQ(req->target, mid(target));
    if (d.status(relay) != MemberStatus::alive) ++bad;
    for (std::uint64_t n = kFirst; n <= kLast; ++n)
      if (n != target && d.status(n) == MemberStatus::suspect) {
        ++with_suspects;
        break;
      }
    // The relay gets through: the probe succeeds, the score stays 0.
    d.deliver(wire::Packet{wire::Ack{req->seq}, {}, {}}, s.to);
  };

  std::mt19937_64 rng(2024);
  for (int epoch = 0; epoch < 80; ++epoch) {
    // New lives for everyone, about 40 % of them suspect; a suspicion never lives long enough
    // to expire (it is superseded within 1.5 s).
    std::vector<wire::MemberUpdate> news;
    for (std::uint64_t n = kFirst; n <= kLast; ++n) {
      const bool suspect = rng() % 5 < 2;
      news.push_back(
          update(n, ++incarnation[n], suspect ? MemberStatus::suspect : MemberStatus::alive));
    }
    d.gossip(news);
    d.run_to(d.now + 1500ms);
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_GT(d.count_of<wire::PingReq>(), 150u);
  EXPECT_GT(with_suspects, 100u);
  EXPECT_EQ(d.score(), 0u);
}

// =============================================================================================
// 6. Buddy system

/// Member 2 is suspect and member 3 alive, both learned from a join (join state is not
/// spread: neither is queued as a rumour). A ping to the suspect carries its suspicion first;
/// a ping to the alive member carries nothing about it.
TEST(FailureDetector, PingToASuspectCarriesItsSuspicionFirst) {
  Driver d;
  d.join_through(3, {update(3, 0, MemberStatus::alive), update(2, 4, MemberStatus::suspect)});
  // Rumours queued ahead of anything else: members that came and left.
  std::vector<wire::MemberUpdate> news;
  for (std::uint64_t n = 10; n < 30; ++n) news.push_back(update(n, 0, MemberStatus::alive));
  d.gossip(news);
  for (auto& u : news) u.status = MemberStatus::left;
  d.gossip(news);
  ASSERT_EQ(d.status(2), MemberStatus::suspect);

  ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() >= 2; }, d.now + 3s));
  const auto pings = d.sent_of<wire::Ping>();
  std::size_t to_suspect = 0, to_alive = 0;
  for (const Stamp& p : pings) {
    const Sent& s = d.sent(p);
    ASSERT_FALSE(s.packet.updates.empty());
    if (s.to == addr(2)) {
      ++to_suspect;
      EXPECT_EQ(s.packet.updates.front(), update(2, 4, MemberStatus::suspect));
      EXPECT_EQ(std::count(s.packet.updates.begin(), s.packet.updates.end(),
                           update(2, 4, MemberStatus::suspect)),
                1)
          << "the suspicion is carried twice in one ping";
    } else {
      ASSERT_EQ(s.to, addr(3));
      ++to_alive;
      EXPECT_NE(s.packet.updates.front().id, mid(3));
      for (const auto& u : s.packet.updates) EXPECT_NE(u.id, mid(3));
    }
  }
  EXPECT_EQ(to_suspect, 1u);
  EXPECT_EQ(to_alive, 1u);
}

/// The buddy update is the member's state at the time of the ping, not a stale one.
TEST(FailureDetector, BuddyUpdateIsTheCurrentSuspicion) {
  Driver d;
  d.join_through(3, {update(3, 0, MemberStatus::alive), update(2, 4, MemberStatus::suspect)});
  // Suspected again, at a later incarnation.
  d.gossip({update(2, 6, MemberStatus::suspect)});
  d.respond = [&](const Sent& s) {
    if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
      d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
  };
  ASSERT_TRUE(d.run_until(
      [&] {
        for (const Stamp& p : d.sent_of<wire::Ping>())
          if (d.sent(p).to == addr(2)) return true;
        return false;
      },
      d.now + 3s));
  for (const Stamp& p : d.sent_of<wire::Ping>()) {
    if (d.sent(p).to != addr(2)) continue;
    ASSERT_FALSE(d.sent(p).packet.updates.empty());
    EXPECT_EQ(d.sent(p).packet.updates.front(), update(2, 6, MemberStatus::suspect));
  }
}

// DISABLED: a known defect (see the report). When the suspect's own news is also queued, the
// ping carries it twice: once first (buddy), once from the queue.
TEST(FailureDetector, QueuedSuspicionIsNotCarriedTwiceInAPing) {
  Driver d;
  d.join_through(3, {update(3, 0, MemberStatus::alive), update(2, 4, MemberStatus::suspect)});
  d.gossip({update(2, 6, MemberStatus::suspect)});  // queued as a rumour too
  ASSERT_TRUE(d.run_until(
      [&] {
        for (const Stamp& p : d.sent_of<wire::Ping>())
          if (d.sent(p).to == addr(2)) return true;
        return false;
      },
      d.now + 3s));
  for (const Stamp& p : d.sent_of<wire::Ping>()) {
    if (d.sent(p).to != addr(2)) continue;
    const auto& updates = d.sent(p).packet.updates;
    EXPECT_EQ(std::count(updates.begin(), updates.end(), update(2, 6, MemberStatus::suspect)), 1);
  }
}

// =============================================================================================
// 7. Suspicion expiry

/// Every ping is acked (no probe fails), so suspicions come only from the test. An unconfirmed
/// suspicion's timeout: 6 × 1 × max(1, log10 N) × 1 s, N counting ourselves and every alive or
/// suspect member.
struct ExpiryCase {
  std::uint64_t cluster;
  Duration timeout;
};

class SuspicionExpiry : public ::testing::TestWithParam<ExpiryCase> {
 protected:
  void SetUp() override {
    d.start();
    d.gossip(alive_members(2, GetParam().cluster));
    d.respond = [&](const Sent& s) {
      if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
        d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
    };
    d.run_to(d.now + 2500ms);
  }
  Driver d;
};

TEST_P(SuspicionExpiry, UnrefutedSuspectDiesOnTime) {
  const Duration timeout = GetParam().timeout;
  const TimePoint t = d.now;
  d.gossip({update(2, 0, MemberStatus::suspect)});
  d.run_to(t + timeout - 1ns);
  EXPECT_EQ(d.status(2), MemberStatus::suspect);
  d.run_to(t + timeout);
  EXPECT_EQ(d.status(2), MemberStatus::dead);
  d.run_to(t + 3 * timeout);
  EXPECT_EQ(d.env.count(Event::Kind::member_dead, mid(2)), 1u);
  EXPECT_EQ(d.engine.stats().members_declared_dead, 1u);
}

TEST_P(SuspicionExpiry, RefutationCancelsAndASecondSuspicionGetsItsOwnTimeout) {
  const Duration timeout = GetParam().timeout;
  const TimePoint t = d.now;
  d.gossip({update(2, 0, MemberStatus::suspect)});
  d.run_to(t + timeout / 2);
  d.gossip({update(2, 1, MemberStatus::alive)});
  const TimePoint t2 = t + timeout / 2 + 1s;
  d.run_to(t2);
  EXPECT_EQ(d.status(2), MemberStatus::alive);
  d.gossip({update(2, 1, MemberStatus::suspect)});
  d.run_to(t + timeout);  // the first suspicion's deadline: no longer its business
  EXPECT_EQ(d.status(2), MemberStatus::suspect);
  d.run_to(t2 + timeout - 1ns);
  EXPECT_EQ(d.status(2), MemberStatus::suspect);
  EXPECT_EQ(d.env.count(Event::Kind::member_dead, mid(2)), 0u);
  d.run_to(t2 + timeout);
  EXPECT_EQ(d.status(2), MemberStatus::dead);
  d.run_to(t2 + 3 * timeout);
  EXPECT_EQ(d.env.count(Event::Kind::member_dead, mid(2)), 1u);
}

TEST_P(SuspicionExpiry, RefutedSuspectStaysAlive) {
  const Duration timeout = GetParam().timeout;
  const TimePoint t = d.now;
  d.gossip({update(2, 0, MemberStatus::suspect)});
  d.run_to(t + timeout - 1ms);
  d.gossip({update(2, 1, MemberStatus::alive)});
  d.run_to(t + 5 * timeout);
  EXPECT_EQ(d.status(2), MemberStatus::alive);
  EXPECT_EQ(d.env.count(Event::Kind::member_dead, mid(2)), 0u);
  EXPECT_EQ(d.env.count(Event::Kind::member_alive, mid(2)), 1u);
}

INSTANTIATE_TEST_SUITE_P(FailureDetector, SuspicionExpiry,
                         ::testing::Values(ExpiryCase{2, 6s}, ExpiryCase{10, 6s},
                                           ExpiryCase{100, 12s}, ExpiryCase{1000, 18s}));

// =============================================================================================
// 8. Lifeguard's dynamic suspicion: confirmations and verification probes

wire::MemberUpdate suspect_by(std::uint64_t n, std::uint64_t inc, std::uint64_t reporter) {
  wire::MemberUpdate u = update(n, inc, MemberStatus::suspect);
  u.reporter = mid(reporter);
  return u;
}

/// Whether the engine sent, since stamp `from`, suspect news of `n` naming `reporter`.
std::size_t sent_suspicions_by(const Driver& d, std::size_t from, std::uint64_t n,
                               std::uint64_t reporter) {
  std::size_t count = 0;
  for (std::size_t i = from; i < d.env.sent.size(); ++i)
    for (const wire::MemberUpdate& u : d.env.sent[i].packet.updates)
      if (u.id == mid(n) && u.status == MemberStatus::suspect && u.reporter == mid(reporter))
        ++count;
  return count;
}

/// N = 100: the minimum is 2 s, an unconfirmed suspicion 12 s, 3 confirmations needed. Member
/// 2 is suspected by member 50 at t; the pings of member 1 are all acked.
class DynamicSuspicion : public SuspicionExpiry {
 protected:
  DynamicSuspicion() = default;
  void suspect_at(TimePoint t) {
    d.run_to(t);
    d.gossip({suspect_by(2, 0, 50)});
  }
  [[nodiscard]] TimePoint dies_at(TimePoint limit) {
    const bool died = d.run_until([&] { return d.status(2) == MemberStatus::dead; }, limit);
    return died ? d.now : TimePoint::max();
  }
};

TEST_P(DynamicSuspicion, EnoughConfirmationsBringTheTimeoutDownToTheMinimum) {
  const TimePoint t = d.now;
  suspect_at(t);
  for (std::uint64_t r : {51u, 52u, 53u}) {
    d.run_to(d.now + 100ms);
    d.gossip({suspect_by(2, 0, r)});
  }
  EXPECT_EQ(d.engine.stats().suspicion_confirmations, 3u);
  d.run_to(t + 2s - 1ns);
  EXPECT_EQ(d.status(2), MemberStatus::suspect);
  d.run_to(t + 2s);
  EXPECT_EQ(d.status(2), MemberStatus::dead);
}

TEST_P(DynamicSuspicion, OneConfirmationHalvesTheWayFromMaximumToMinimum) {
  // 12 s − (12 s − 2 s) × ln 2 / ln 4 = 7 s.
  const TimePoint t = d.now;
  suspect_at(t);
  d.run_to(t + 1s);
  d.gossip({suspect_by(2, 0, 51)});
  EXPECT_EQ(dies_at(t + 30s), t + 7s);
}

TEST_P(DynamicSuspicion, RepeatedReportsAndTheFirstReporterDoNotConfirm) {
  const TimePoint t = d.now;
  suspect_at(t);
  for (int i = 0; i < 3; ++i) {
    d.run_to(d.now + 100ms);
    d.gossip({suspect_by(2, 0, 50), suspect_by(2, 0, 51)});
  }
  EXPECT_EQ(d.engine.stats().suspicion_confirmations, 1u);
  EXPECT_EQ(dies_at(t + 30s), t + 7s);
}

TEST_P(DynamicSuspicion, AReportOfAnOlderIncarnationOrWithoutReporterDoesNotConfirm) {
  const TimePoint t = d.now;
  d.gossip({suspect_by(2, 1, 50)});
  d.run_to(t + 100ms);
  d.gossip({suspect_by(2, 0, 51), update(2, 1, MemberStatus::suspect)});
  EXPECT_EQ(d.engine.stats().suspicion_confirmations, 0u);
  EXPECT_EQ(dies_at(t + 30s), t + 12s);
}

TEST_P(DynamicSuspicion, AConfirmationIsPassedOnUntilEnoughAreKnown) {
  suspect_at(d.now);
  const std::size_t before = d.env.sent.size();
  for (std::uint64_t r : {51u, 52u, 53u, 54u}) {
    d.run_to(d.now + 100ms);
    d.gossip({suspect_by(2, 0, r)});
  }
  d.run_to(d.now + 1s);
  // Pushed at once to the eager peers, the first three; the fourth changes nothing.
  EXPECT_GT(sent_suspicions_by(d, before, 2, 51), 0u);
  EXPECT_GT(sent_suspicions_by(d, before, 2, 53), 0u);
  EXPECT_EQ(sent_suspicions_by(d, before, 2, 54), 0u);
}

TEST_P(DynamicSuspicion, ARefutationEndsAConfirmedSuspicion) {
  const TimePoint t = d.now;
  suspect_at(t);
  for (std::uint64_t r : {51u, 52u, 53u}) d.gossip({suspect_by(2, 0, r)});
  d.run_to(t + 1s);
  d.gossip({update(2, 1, MemberStatus::alive)});
  d.run_to(t + 20s);
  EXPECT_EQ(d.status(2), MemberStatus::alive);
  EXPECT_EQ(d.env.count(Event::Kind::member_dead, mid(2)), 0u);
}

INSTANTIATE_TEST_SUITE_P(FailureDetector, DynamicSuspicion,
                         ::testing::Values(ExpiryCase{100, 12s}));

TEST(FailureDetector, OwnFailedProbeNamesUsAsTheReporter) {
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  // Nobody answers: the first probe fails, and the suspicion it raises names member 1.
  d.run_to(d.now + 3s);
  bool named = false;
  for (std::uint64_t n = 2; n <= 5; ++n) named = named || sent_suspicions_by(d, 0, n, 1) > 0;
  EXPECT_TRUE(named);
}

TEST(FailureDetector, ASuspicionHeardFromAnotherIsCheckedByTheNextProbe) {
  // Four others: three times the 3 confirmations needed is more than them all, so member 1
  // always verifies.
  Driver d;
  d.start();
  d.gossip(alive_members(2, 5));
  d.respond = [&](const Sent& s) {
    if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
      d.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to);
  };
  d.run_to(d.now + 2500ms);
  for (int round = 0; round < 4; ++round) {
    // Each time member 3 is suspected anew (by member 4), member 1's next ping goes to it.
    const std::size_t pings = d.count_of<wire::Ping>();
    d.gossip({suspect_by(3, static_cast<std::uint64_t>(round) * 2, 4)});
    ASSERT_TRUE(d.run_until([&] { return d.count_of<wire::Ping>() > pings; }, d.now + 2s));
    EXPECT_EQ(d.body<wire::Ping>(d.sent_of<wire::Ping>()[pings]).target, mid(3)) << round;
    d.gossip({update(3, static_cast<std::uint64_t>(round) * 2 + 1, MemberStatus::alive)});
  }
  EXPECT_EQ(d.engine.stats().verification_probes, 4u);
}

}  // namespace
}  // namespace convoy
