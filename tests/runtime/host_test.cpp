// Hosts over real sockets, on 127.0.0.1 and on ::1 alike: joining, stores seen everywhere, remote
// compare-and-set, failure detection, graceful leave, fail() and rejoin, eviction.
#include "host_cluster.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

/// Every test runs once over IPv4 loopback and once over IPv6 loopback.
class HostOverLoopback : public ::testing::TestWithParam<const char*> {
 protected:
  [[nodiscard]] HostCluster cluster(std::size_t n) const { return HostCluster(n, {}, GetParam()); }
};

TEST_P(HostOverLoopback, ThreeHostsJoinAndSeeEachOtherAlive) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(c[i].running());
    EXPECT_NE(c[i].address().port, 0);
    EXPECT_EQ(c[i].address().family,
              std::string(GetParam()) == "::1" ? Address::Family::v6 : Address::Family::v4);
    EXPECT_EQ(c[i].self().id, c[i].id());
  }
}

TEST_P(HostOverLoopback, APutIsSeenByEveryMember) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const WriteResult w = c[1].store().put("role", "web");
  ASSERT_EQ(w.status, WriteStatus::done) << w.error;
  EXPECT_EQ(c[1].store().get("role")->value, "web");  // read your own write at once
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_TRUE(eventually([&] {
      auto v = c[i].directory().value(c[1].id(), "role");
      return v && v->value == "web";
    })) << i;
  EXPECT_EQ(c[2].directory().find_by_key("role").size(), 1u);
}

TEST_P(HostOverLoopback, RemoteCompareAndSetAndAStaleOne) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  MemberStore owner = c[0].directory().member(c[2].id()).store();
  const WriteResult first = owner.put("counter", "1", Expectation::absent());
  ASSERT_EQ(first.status, WriteStatus::done) << first.error;
  const WriteResult second = owner.put("counter", "2", Expectation::of(first.item));
  ASSERT_EQ(second.status, WriteStatus::done) << second.error;
  const WriteResult stale = owner.put("counter", "3", Expectation::of(first.item));
  EXPECT_EQ(stale.status, WriteStatus::conflict);
  EXPECT_EQ(stale.item.value, "2");
  EXPECT_EQ(c[2].store().get("counter")->value, "2");
}

TEST_P(HostOverLoopback, AShutDownHostIsDeclaredDeadByEveryOther) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const MemberId gone = c[2].id();
  c[2].shutdown();
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(eventually([&] {
      auto m = c[i].directory().member(gone).info();
      return m && m->status == MemberStatus::dead;
    })) << i;
}

TEST_P(HostOverLoopback, ALeaveShowsAsLeft) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const MemberId gone = c[1].id();
  c[1].leave(2s);
  EXPECT_FALSE(c[1].running());
  for (std::size_t i : {0u, 2u})
    EXPECT_TRUE(eventually([&] {
      auto m = c[i].directory().member(gone).info();
      return m && m->status == MemberStatus::left;
    })) << i;
}

TEST_P(HostOverLoopback, AFailedHostRejoinsWithAHigherIncarnation) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  std::atomic<int> rejoined = 0;
  auto sub = c[2].directory().subscribe({}, [&](const Event& e) {
    if (e.kind == Event::Kind::rejoined) ++rejoined;
  });
  c[2].store().put("kept", "yes");
  const std::uint64_t before = c[2].self().incarnation;
  ASSERT_TRUE(c[0].fail(c[2].id()));
  EXPECT_TRUE(eventually([&] { return rejoined.load() > 0; }));
  EXPECT_TRUE(eventually([&] {
    auto m = c[1].directory().member(c[2].id()).info();
    return m && m->status == MemberStatus::alive && m->incarnation > before;
  }));
  EXPECT_TRUE(eventually([&] {
    auto v = c[0].directory().value(c[2].id(), "kept");
    return v && v->value == "yes";
  })) <<
      [&] {
        std::ostringstream out;
        for (std::size_t h = 0; h < 3; ++h) {
          auto m = c[h].directory().member(c[2].id()).info();
          auto v = c[h].directory().value(c[2].id(), "kept");
          const Metrics x = c[h].metrics();
          out << "host " << h << ": sees 2 " << (m ? to_string(m->status) : "none") << " inc "
              << (m ? m->incarnation : 0) << " kept " << (v ? v->version : 0) << " digests "
              << x.store_digests_sent << " syncs " << x.store_syncs_sent << " store_version "
              << x.store_version << "\n";
        }
        return out.str();
      }();
}

TEST_P(HostOverLoopback, AnEvictedHostStopsAndItsSubscribersHear) {
  HostCluster c = cluster(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  std::atomic<bool> told = false;
  auto sub = c[2].directory().subscribe({}, [&](const Event& e) {
    if (e.kind == Event::Kind::evicted) told = true;
  });
  ASSERT_TRUE(c[0].evict(c[2].id()));
  EXPECT_TRUE(eventually([&] { return told.load(); }));
  EXPECT_TRUE(eventually([&] { return !c[2].running(); }));
  const WriteResult w = c[2].store().put("x", "y");
  EXPECT_EQ(w.status, WriteStatus::failed);
}

TEST(HostStop, EveryAsyncWriteIsAnsweredWhenTheHostStopsUnderIt) {
  // Writes still queued on the io thread when the host stops are answered "failed"; none is
  // left without an answer (one used to be, each time: its answer waited for a turn that never
  // came).
  for (int round = 0; round < 3; ++round) {
    auto h = Host::start(test::local_options());
    MemberStore own = h->directory().member(h->id()).store();
    std::atomic<long> submitted{0};
    std::atomic<long> answered{0};
    std::atomic<bool> go{false};
    std::thread writer([&] {
      while (!go) std::this_thread::yield();
      for (long i = 0; h->running() || i < 1000; ++i) {
        ++submitted;
        own.put_async("k" + std::to_string(i % 8), "v", std::nullopt,
                      [&](const WriteResult&) { ++answered; });
        if (i >= 20000) break;
      }
    });
    go = true;
    // Let a backlog of writes build up on the io thread, then stop under it.
    ASSERT_TRUE(eventually([&] { return submitted.load() >= 500; }));
    h->shutdown();
    writer.join();
    EXPECT_TRUE(eventually([&] { return answered.load() == submitted.load(); }, 10s))
        << "round " << round << ": " << submitted.load() - answered.load() << " of "
        << submitted.load() << " writes never answered";
  }
}

INSTANTIATE_TEST_SUITE_P(Loopback, HostOverLoopback, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& param_info) {
                           return std::string(param_info.param) == "::1" ? "v6" : "v4";
                         });

}  // namespace
}  // namespace convoy
