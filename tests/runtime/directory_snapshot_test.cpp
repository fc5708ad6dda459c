// The directory snapshot's incremental builds: what a change copies and what it shares, that a
// member-list change nobody announced (no event) is still noticed, and that a host hands out an
// event only once its directory shows the change. An engine driven by hand (tests/core's
// harness) feeds the publisher; the last test runs real hosts.
#include "runtime/directory_snapshot.hpp"
#include "core/engine_harness.hpp"
#include "host_cluster.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace convoy::test {
namespace {

using runtime::kStoreShards;
using runtime::SnapshotPublisher;

constexpr std::uint64_t kMembers = 300;

/// Member 1 joined into a cluster of members 1..kMembers.
struct Joined {
  EngineHarness h{1};
  core::TimePoint t{};
  Joined() {
    std::vector<wire::MemberUpdate> others;
    for (std::uint64_t n = 2; n <= kMembers; ++n) others.push_back(alive(n));
    h.begin_join(2, t);
    h.answer_join(wire::JoinResponse{others, {}, 0, std::nullopt}, t);
  }
};

std::size_t shared_shards(const runtime::DirectorySnapshot& a,
                          const runtime::DirectorySnapshot& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < kStoreShards; ++i) same += a.stores[i] == b.stores[i] ? 1 : 0;
  return same;
}

TEST(DirectorySnapshot, AStoreChangeCopiesOneShardAndSharesTheMemberList) {
  Joined j;
  SnapshotPublisher p;
  ASSERT_TRUE(p.publish(j.h.engine, true));
  const auto before = p.latest();
  ASSERT_EQ(before->known().size(), kMembers);

  j.h.engine.put(member_id(1), "role", "web", std::nullopt, j.t, [](const WriteResult&) {});
  p.store_changed(member_id(1));
  ASSERT_TRUE(p.publish(j.h.engine, false));
  const auto after = p.latest();

  EXPECT_NE(after, before);
  EXPECT_EQ(after->members, before->members);  // not copied
  EXPECT_EQ(shared_shards(*before, *after), kStoreShards - 1);
  ASSERT_NE(after->store_of(member_id(1)), nullptr);
  EXPECT_EQ(after->store_of(member_id(1))->at("role").value, "web");
  EXPECT_EQ(before->store_of(member_id(1))->count("role"), 0u);  // the old one is untouched
  // Every other member's store view is the very same object.
  for (std::uint64_t n = 2; n <= kMembers; ++n)
    ASSERT_EQ(after->store_of(member_id(n)), before->store_of(member_id(n))) << n;
}

TEST(DirectorySnapshot, NothingChangedPublishesNothing) {
  Joined j;
  SnapshotPublisher p;
  ASSERT_TRUE(p.publish(j.h.engine, true));
  const auto first = p.latest();
  EXPECT_FALSE(p.members_stale(j.h.engine));
  EXPECT_TRUE(p.publish(j.h.engine, true));
  EXPECT_EQ(p.latest(), first);
}

TEST(DirectorySnapshot, ASilentMemberChangeIsNoticedAndWaitsForTheRebuildItIsAllowed) {
  Joined j;
  SnapshotPublisher p;
  ASSERT_TRUE(p.publish(j.h.engine, true));
  // Member 5 seen alive at a higher incarnation while we held it alive: no event says so.
  auto events = j.h.engine.subscribe(EventFilter{});
  j.h.deliver(wire::Packet{wire::Gossip{}, {alive(5, 3)}, {}}, member_address(2), j.t);
  ASSERT_EQ(j.h.engine.member(member_id(5))->incarnation, 3u);
  while (auto e = events->poll()) ASSERT_NE(e->member, member_id(5)) << "not silent after all";

  EXPECT_TRUE(p.members_stale(j.h.engine));
  EXPECT_FALSE(p.publish(j.h.engine, false));  // not allowed to rebuild the list yet
  EXPECT_EQ(p.latest()->find(member_id(5))->incarnation, 0u);
  EXPECT_TRUE(p.publish(j.h.engine, true));
  EXPECT_EQ(p.latest()->find(member_id(5))->incarnation, 3u);
  EXPECT_FALSE(p.members_stale(j.h.engine));
}

bool visited(const runtime::DirectorySnapshot& s, const MemberId& id) {
  bool seen = false;
  s.for_each_store([&](const Member& m, const runtime::StoreView&) { seen = seen || m.id == id; });
  return seen;
}

TEST(DirectorySnapshot, AStatusChangeTouchesNoStoreAndAReturnRebuildsTheView) {
  Joined j;
  SnapshotPublisher p;
  ASSERT_TRUE(p.publish(j.h.engine, true));
  const auto first = p.latest();
  ASSERT_TRUE(visited(*first, member_id(7)));

  const wire::MemberUpdate dead{member_id(7), 0, MemberStatus::dead, member_address(7)};
  j.h.deliver(wire::Packet{wire::Gossip{}, {dead}, {}}, member_address(2), j.t);
  ASSERT_TRUE(p.publish(j.h.engine, true));
  const auto down = p.latest();
  EXPECT_EQ(down->find(member_id(7))->status, MemberStatus::dead);
  EXPECT_FALSE(visited(*down, member_id(7)));  // readers skip it by its status
  EXPECT_EQ(shared_shards(*first, *down), kStoreShards);
  EXPECT_EQ(down->members->index, first->members->index);  // same ids at the same places

  j.h.deliver(wire::Packet{wire::Gossip{}, {alive(7, 1)}, {}}, member_address(2), j.t);
  ASSERT_TRUE(p.publish(j.h.engine, true));
  const auto up = p.latest();
  EXPECT_EQ(up->find(member_id(7))->status, MemberStatus::alive);
  EXPECT_TRUE(visited(*up, member_id(7)));
  EXPECT_NE(up->store_of(member_id(7)), down->store_of(member_id(7)));  // rebuilt on return
  EXPECT_EQ(shared_shards(*down, *up), kStoreShards - 1);
}

// An event is handed out only once the directory holds what it tells: a subscriber that reads
// the directory from its callback always finds the member the event is about, in that state.
TEST(DirectorySnapshotHost, ASubscriberFindsInTheDirectoryWhatEachEventTold) {
  HostCluster c(1);
  std::mutex mutex;
  std::vector<std::string> mismatches;
  std::atomic<int> joins{0};
  Host& observer = c[0];
  Subscription sub = observer.directory().subscribe(EventFilter{}, [&](const Event& e) {
    if (e.kind != Event::Kind::member_joined && e.kind != Event::Kind::member_alive &&
        e.kind != Event::Kind::member_dead && e.kind != Event::Kind::member_left)
      return;
    const auto m = observer.directory().member(e.member).info();
    if (e.kind == Event::Kind::member_joined) ++joins;
    std::lock_guard lock(mutex);
    if (!m) {
      mismatches.push_back("no member after event " + std::to_string(static_cast<int>(e.kind)));
    } else if (m->incarnation < e.incarnation) {
      mismatches.push_back("an older incarnation than the event's");
    }
  });
  for (int i = 0; i < 12; ++i) c.add();
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  ASSERT_TRUE(eventually([&] { return joins.load() >= 12; }));
  c.hosts()[5].reset();  // leaves gracefully
  ASSERT_TRUE(eventually([&] {
    const auto all = observer.directory().all();
    return all.size() == 12;
  }));
  sub.cancel();
  std::lock_guard lock(mutex);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size()
                                  << " mismatches, first: " << mismatches.front();
}

}  // namespace
}  // namespace convoy::test
