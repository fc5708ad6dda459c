// Subscription: the filter rules of EventFilter and the bounded queue's overflow contract.
#include "core/directory/subscription.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace convoy::core {
namespace {

Event key_event(const MemberId& member, std::string key) {
  Event e;
  e.kind = Event::Kind::key_set;
  e.member = member;
  e.key = std::move(key);
  return e;
}

Event member_event(const MemberId& member, std::uint64_t incarnation = 1) {
  Event e;
  e.kind = Event::Kind::member_joined;
  e.member = member;
  e.incarnation = incarnation;
  return e;
}

EventFilter filter(bool members, bool keys, std::optional<MemberId> member = {},
                   std::string prefix = {}) {
  EventFilter f;
  f.members = members;
  f.keys = keys;
  f.member = member;
  f.key_prefix = std::move(prefix);
  return f;
}

TEST(Subscription, FilterRules) {
  const MemberId m1{0, 1};
  const MemberId m2{0, 2};
  Event overflow;
  overflow.kind = Event::Kind::overflow;

  Subscription all(EventFilter{});
  EXPECT_TRUE(all.filter().passes(member_event(m1)));
  EXPECT_TRUE(all.filter().passes(key_event(m2, "anything")));

  Subscription members_only(filter(true, false));
  EXPECT_TRUE(members_only.filter().passes(member_event(m1)));
  EXPECT_FALSE(members_only.filter().passes(key_event(m1, "k")));

  Subscription keys_only(filter(false, true));
  EXPECT_FALSE(keys_only.filter().passes(member_event(m1)));
  EXPECT_TRUE(keys_only.filter().passes(key_event(m1, "k")));

  Subscription one(filter(true, true, m1, "svc/"));
  EXPECT_TRUE(one.filter().passes(member_event(m1)));
  EXPECT_FALSE(one.filter().passes(member_event(m2)));
  EXPECT_TRUE(one.filter().passes(key_event(m1, "svc/http")));
  EXPECT_FALSE(one.filter().passes(key_event(m1, "other")));
  EXPECT_FALSE(one.filter().passes(key_event(m2, "svc/http")));
  auto deleted = key_event(m1, "svc/x");
  deleted.kind = Event::Kind::key_deleted;
  EXPECT_TRUE(one.filter().passes(deleted));

  Subscription nothing(filter(false, false, m1));
  EXPECT_TRUE(nothing.filter().passes(overflow));  // a loss is always reported

  one.offer(key_event(m2, "svc/http"));
  EXPECT_EQ(one.pending(), 0u);
  EXPECT_FALSE(one.poll().has_value());
}

TEST(Subscription, OverflowDiscardsTheBacklogAndIsReportedOnce) {
  const MemberId m{0, 1};
  Subscription s(EventFilter{}, 2);
  for (std::uint64_t i = 1; i <= 5; ++i) s.offer(member_event(m, i));
  // The third offer found the queue full: the queue (2) and every offer until the next poll
  // (3, 4, 5) are gone, so nothing stale can follow the subscriber's re-read.
  EXPECT_EQ(s.pending(), 1u);
  EXPECT_EQ(s.dropped_total(), 5u);

  auto first = s.poll();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, Event::Kind::overflow);
  EXPECT_EQ(first->dropped, 5u);
  EXPECT_FALSE(s.poll().has_value());

  s.offer(member_event(m, 6));  // after the report, events flow again
  s.offer(member_event(m, 7));
  EXPECT_EQ(s.poll()->incarnation, 6u);
  EXPECT_EQ(s.poll()->incarnation, 7u);
  EXPECT_FALSE(s.poll().has_value());

  // A second loss is a second, separate report.
  for (std::uint64_t i = 8; i <= 10; ++i) s.offer(member_event(m, i));
  EXPECT_EQ(s.poll()->dropped, 3u);
  EXPECT_EQ(s.dropped_total(), 8u);
  EXPECT_FALSE(s.poll().has_value());
}

TEST(Subscription, SubscriberThatNeverPollsStaysBounded) {
  Subscription s(EventFilter{}, 16);
  for (std::uint64_t i = 0; i < 10'000; ++i) s.offer(key_event(MemberId{0, 1}, "k"));
  EXPECT_EQ(s.pending(), 1u);  // only the overflow report: the backlog was discarded
  EXPECT_EQ(s.dropped_total(), 10'000u);
  Subscription zero(EventFilter{}, 0);  // capacity 0 means 1: never unbounded, never none
  zero.offer(key_event(MemberId{0, 1}, "k"));
  EXPECT_EQ(zero.pending(), 1u);
  EXPECT_EQ(zero.poll()->kind, Event::Kind::key_set);
}

}  // namespace
}  // namespace convoy::core
