// The periodic push-pull opens with a summary datagram: equal views exchange two hashes and
// nothing else; different views exchange their full states over the stream path in two more
// messages, and both end with the union. A full state never travels as a datagram (a forged
// summary must not reflect one at a third party), and a lost summary or answer during the
// post-join exchanges is retried at the same gap; an answer counts only if it echoes the
// summary's hash. The view hash itself: order-free, and blind to members that are no longer
// active.
#include "core/membership/member_table.hpp"
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
using test::Sent;

Config push_pull_config() {
  Config c = test::quiet_config();
  c.protocol.push_pull_interval = 1s;
  c.protocol.post_join_sync = 1h;  // the periodic exchange only
  return c;
}

/// `n` joined into a cluster of `members` (every one alive).
void join(EngineHarness& h, std::uint64_t n, const std::vector<std::uint64_t>& members,
          TimePoint t) {
  h.begin_join(members.front() == n ? members.back() : members.front(), t);
  wire::JoinResponse r;
  for (std::uint64_t m : members)
    if (m != n) r.members.push_back(alive(m));
  h.answer_join(r, t);
  ASSERT_TRUE(h.engine.joined());
}

/// Runs `h`'s timers until it opens a push-pull; returns it.
wire::PushPull first_push_pull(EngineHarness& h, TimePoint& t) {
  h.env.sent.clear();
  for (int i = 0; i < 1000 && h.sent_of<wire::PushPull>().empty(); ++i)
    h.engine.handle_timer(t += 10ms);
  auto sent = h.sent_of<wire::PushPull>();
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_TRUE(!sent.empty() && !sent[0]->stream) << "a summary is a datagram";
  return sent.empty() ? wire::PushPull{} : std::get<wire::PushPull>(sent[0]->packet.body);
}

/// The push-pulls `h` sent since index `from`.
std::vector<wire::PushPull> push_pulls_from(const EngineHarness& h, std::size_t from) {
  std::vector<wire::PushPull> out;
  for (std::size_t i = from; i < h.env.sent.size(); ++i)
    if (const auto* p = std::get_if<wire::PushPull>(&h.env.sent[i].packet.body)) out.push_back(*p);
  return out;
}

TEST(PushPull, EqualViewsExchangeTwoHashesAndNothingElse) {
  EngineHarness a(1, push_pull_config());
  EngineHarness b(2, push_pull_config());
  TimePoint t{};
  join(a, 1, {1, 2, 3}, t);
  join(b, 2, {1, 2, 3}, t);
  // The clock moves on for B too, with nothing changing its view.
  const wire::PushPull summary = first_push_pull(a, t);
  EXPECT_TRUE(summary.members.empty());
  EXPECT_NE(summary.members_hash, 0u);
  EXPECT_FALSE(summary.reply);

  const std::size_t before_b = b.env.sent.size();
  b.deliver(wire::Packet{summary, {}, {}}, member_address(1), t);
  const auto answers = push_pulls_from(b, before_b);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].reply);
  EXPECT_TRUE(answers[0].members.empty()) << "an equal view answers with its hash alone";
  EXPECT_FALSE(answers[0].send_yours);
  EXPECT_FALSE(b.env.sent.back().stream) << "answered by a datagram";
  EXPECT_EQ(b.env.sent.back().to, member_address(1));

  const std::size_t before_a = a.env.sent.size();
  a.deliver(wire::Packet{answers[0], {}, {}}, member_address(2), t);
  EXPECT_TRUE(push_pulls_from(a, before_a).empty());
  EXPECT_EQ(a.engine.stats().push_pulls_equal, 1u);
}

TEST(PushPull, DifferentViewsExchangeFullStatesAndBothEndWithTheUnion) {
  EngineHarness a(1, push_pull_config());
  EngineHarness b(2, push_pull_config());
  TimePoint t{};
  join(a, 1, {1, 2, 3, 4}, t);  // A knows 4, B does not
  join(b, 2, {1, 2, 3, 5}, t);  // B knows 5, A does not
  const wire::PushPull summary = first_push_pull(a, t);
  ASSERT_TRUE(summary.members.empty());

  const std::size_t before_b = b.env.sent.size();
  b.deliver(wire::Packet{summary, {}, {}}, member_address(1), t);
  auto answers = push_pulls_from(b, before_b);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].reply);
  EXPECT_TRUE(answers[0].send_yours);
  EXPECT_EQ(answers[0].members.size(), 4u);  // B itself, 1, 3, 5
  EXPECT_TRUE(b.env.sent.back().stream) << "a full state goes over the stream path, small or not";
  EXPECT_EQ(b.env.sent.back().to, member_address(1));

  const std::size_t before_a = a.env.sent.size();
  a.deliver_stream(wire::Packet{answers[0], {}, {}}, 3, t);
  EXPECT_TRUE(a.engine.directory().member(member_id(5)).has_value());
  auto completions = push_pulls_from(a, before_a);
  ASSERT_EQ(completions.size(), 1u);
  EXPECT_TRUE(completions[0].reply);
  EXPECT_FALSE(completions[0].send_yours);
  EXPECT_EQ(a.env.sent.back().reply_to, std::optional<core::StreamId>(3));

  const std::size_t before_b2 = b.env.sent.size();
  b.deliver_stream(wire::Packet{completions[0], {}, {}}, 9, t);
  EXPECT_TRUE(b.engine.directory().member(member_id(4)).has_value());
  EXPECT_TRUE(push_pulls_from(b, before_b2).empty()) << "the completion ends the exchange";
  EXPECT_EQ(a.engine.stats().push_pulls_equal, 0u);
}

TEST(PushPull, AFullStateArrivingAsADatagramIsRefused) {
  EngineHarness b(2, push_pull_config());
  TimePoint t{};
  join(b, 2, {1, 2, 3}, t);
  wire::PushPull forged{false, {alive(1), alive(3), alive(7)}};
  const std::size_t before = b.env.sent.size();
  const auto unexpected = b.engine.stats().unexpected;
  b.deliver(wire::Packet{forged, {}, {}}, member_address(1), t);
  EXPECT_FALSE(b.engine.directory().member(member_id(7)).has_value());
  EXPECT_TRUE(push_pulls_from(b, before).empty()) << "no full state sent back";
  EXPECT_EQ(b.engine.stats().unexpected, unexpected + 1);
}

TEST(PushPull, ALostPostJoinExchangeIsRetriedAtTheSameGapAndOneAnswerAdvancesIt) {
  Config c = test::quiet_config();
  c.protocol.push_pull_interval = 60s;
  c.protocol.post_join_sync = 5s;
  EngineHarness a(1, c);
  TimePoint t{};
  join(a, 1, {1, 2, 3}, t);
  // Runs the clock to `until`, the others answering every probe (they stay alive, so there is
  // always a peer to open an exchange with); returns when exchanges were opened.
  std::uint64_t asked = 0;  // the hash the latest summary carried
  auto opened_at = [&](TimePoint until) {
    std::vector<TimePoint> at;
    while (t < until) {
      const std::size_t before = a.env.sent.size();
      a.engine.handle_timer(t += 100ms);
      const std::vector<Sent> sent(a.env.sent.begin() + static_cast<std::ptrdiff_t>(before),
                                   a.env.sent.end());
      bool opened = false;
      for (const Sent& s : sent) {
        if (const auto* ping = std::get_if<wire::Ping>(&s.packet.body))
          a.deliver(wire::Packet{wire::Ack{ping->seq}, {}, {}}, s.to, t);
        if (const auto* pp = std::get_if<wire::PushPull>(&s.packet.body)) {
          opened = true;
          asked = pp->members_hash;
        }
      }
      if (opened) at.push_back(t);
    }
    return at;
  };
  // The first exchange opens once the join has settled; nobody answers it.
  auto first = opened_at(t + 2s);
  ASSERT_EQ(first.size(), 1u);
  // Unanswered: tried again 5 s later, and again.
  auto retries = opened_at(first[0] + 10s + 50ms);
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_LE(retries[0] - first[0], 5s + 100ms);
  EXPECT_LE(retries[1] - retries[0], 5s + 100ms);
  // An equal-view answer that does not echo the summary's hash (forged by someone who never
  // saw it): not an answer.
  ASSERT_NE(asked, 0u);
  wire::PushPull equal{true, {}, false, asked + 1, false};
  const auto unexpected = a.engine.stats().unexpected;
  a.deliver(wire::Packet{equal, {}, {}}, member_address(2), t);
  EXPECT_EQ(a.engine.stats().unexpected, unexpected + 1);
  EXPECT_EQ(a.engine.stats().push_pulls_equal, 0u);
  // Answered, twice (a duplicated datagram): the gap doubles once, to 10 s.
  equal.members_hash = asked;
  a.deliver(wire::Packet{equal, {}, {}}, member_address(2), t);
  a.deliver(wire::Packet{equal, {}, {}}, member_address(2), t);
  const TimePoint answered = t;
  auto next = opened_at(answered + 10s + 150ms);
  ASSERT_EQ(next.size(), 1u) << "one answer, one doubling: the next exchange 10 s later";
  EXPECT_GE(next[0] - answered, 10s - 100ms);
}

TEST(ViewHash, OrderFreeAndBlindToInactiveMembers) {
  core::MemberTable x;
  core::MemberTable y;
  const TimePoint t{};
  x.insert(member_id(1), 3, MemberStatus::alive, member_address(1), t);
  x.insert(member_id(2), 0, MemberStatus::suspect, member_address(2), t);
  y.insert(member_id(2), 0, MemberStatus::suspect, member_address(2), t);
  y.insert(member_id(1), 3, MemberStatus::alive, member_address(1), t);
  EXPECT_EQ(x.view_hash(), y.view_hash());
  EXPECT_NE(x.view_hash(), 0u);

  // A dead member counts for nothing, whether still held or reaped.
  const std::uint64_t before = x.view_hash();
  const std::uint32_t dead = x.insert(member_id(3), 1, MemberStatus::alive, member_address(3), t);
  EXPECT_NE(x.view_hash(), before);
  x.update(dead, 1, MemberStatus::dead, member_address(3), t);
  EXPECT_EQ(x.view_hash(), before);
  x.erase(dead);
  EXPECT_EQ(x.view_hash(), before);

  // The incarnation and the status count.
  y.update(y.find(member_id(1)), 4, MemberStatus::alive, member_address(1), t);
  EXPECT_NE(x.view_hash(), y.view_hash());
  y.update(y.find(member_id(1)), 3, MemberStatus::suspect, member_address(1), t);
  EXPECT_NE(x.view_hash(), y.view_hash());
  y.update(y.find(member_id(1)), 3, MemberStatus::alive, member_address(1), t);
  EXPECT_EQ(x.view_hash(), y.view_hash());
}

}  // namespace
}  // namespace convoy
