// Hosts that share one EventLoop (convoy/event_loop.hpp): they form a cluster with hosts on
// threads of their own, spread puts, detect one of them shut down while the others on the same
// thread go on, answer every write in flight when one stops, return at once from calls made
// after their shutdown (on a shared loop and on an own thread alike), and end their loop with
// the last of them.
#include "host_cluster.hpp"

#include <convoy/event_loop.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

/// Hosts 0..shared-1 on `loop`, the rest on threads of their own.
test::Tune on_loop(const std::shared_ptr<EventLoop>& loop, std::size_t shared) {
  return [loop, shared](HostOptions& o, std::size_t i) {
    if (i < shared) o.event_loop = loop;
  };
}

TEST(SharedLoop, HostsOnOneLoopFormAClusterWithOthersAndSpreadAPut) {
  auto loop = std::make_shared<EventLoop>();
  HostCluster c(10, on_loop(loop, 8));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  ASSERT_EQ(c[3].store().put("role", "web").status, WriteStatus::done);
  ASSERT_EQ(c[9].store().put("role", "db").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] {
    return c.value_everywhere(c[3].id(), "role", "web") &&
           c.value_everywhere(c[9].id(), "role", "db");
  }));
  // A remote write between two hosts of the same thread: the request and its answer both go
  // through that thread.
  MemberStore other = c[1].directory().member(c[2].id()).store();
  EXPECT_EQ(other.put("counter", "1", Expectation::absent()).status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[2].id(), "counter", "1"); }));
}

TEST(SharedLoop, AHostShutDownIsDetectedAndTheOthersOnItsThreadGoOn) {
  auto loop = std::make_shared<EventLoop>();
  HostCluster c(6, on_loop(loop, 6));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const MemberId gone = c[4].id();
  c[4].shutdown();
  EXPECT_FALSE(c[4].running());
  EXPECT_TRUE(eventually([&] { return c.status_everywhere(gone, MemberStatus::dead); }, 30s));
  ASSERT_EQ(c[5].store().put("after", "yes").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] {
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u}) {
      auto v = c[i].directory().value(c[5].id(), "after");
      if (!v || v->value != "yes") return false;
    }
    return true;
  }));
}

TEST(SharedLoop, EveryWriteInFlightIsAnsweredWhenItsHostStops) {
  auto loop = std::make_shared<EventLoop>();
  HostCluster c(3, on_loop(loop, 3));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  std::atomic<int> posted{0}, answered{0}, done{0}, failed{0};
  std::atomic<bool> stop{false};
  // Posts without waiting until told to stop: the host stops with writes queued on the loop,
  // and more arrive after it stopped.
  std::thread writer([&] {
    MemberStore own = c[2].directory().member(c[2].id()).store();
    for (int i = 0; !stop.load() && i < 1'000'000; ++i) {
      ++posted;
      own.put_async("k" + std::to_string(i % 50), std::to_string(i), std::nullopt,
                    [&](const WriteResult& r) {
                      ++(r.status == WriteStatus::done ? done : failed);
                      ++answered;
                    });
    }
  });
  ASSERT_TRUE(eventually([&] { return done.load() > 100; }));
  c[2].shutdown();
  EXPECT_TRUE(eventually([&] { return failed.load() > 100; }));
  stop = true;
  writer.join();
  EXPECT_TRUE(eventually([&] { return answered.load() == posted.load(); }, 10s))
      << answered.load() << " of " << posted.load() << " answered";
  EXPECT_GT(done.load(), 100);
  // The other hosts on the loop still work.
  EXPECT_EQ(c[0].store().put("still", "here").status, WriteStatus::done);
}

/// Calls after shutdown return at once, whichever thread the host ran on: nothing waits for a
/// turn that will never run.
void calls_after_shutdown_return(HostCluster& c, std::size_t stopped) {
  c[stopped].shutdown();
  auto calls = std::async(std::launch::async, [&] {
    const Metrics m = c[stopped].metrics();
    EXPECT_EQ(m.members_alive, 0u);  // a stopped host has no counters to give
    EXPECT_FALSE(c[stopped].evict(c[0].id()));
    EXPECT_FALSE(c[stopped].fail(c[0].id()));
    EXPECT_EQ(c[stopped].store().put("late", "1").status, WriteStatus::failed);
    c[stopped].leave(1s);
    c[stopped].shutdown();
  });
  ASSERT_EQ(calls.wait_for(10s), std::future_status::ready) << "a call after shutdown hung";
  calls.get();
}

TEST(SharedLoop, CallsAfterShutdownReturnAtOnceOnASharedLoop) {
  auto loop = std::make_shared<EventLoop>();
  HostCluster c(2, on_loop(loop, 2));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  calls_after_shutdown_return(c, 1);
}

TEST(SharedLoop, CallsAfterShutdownReturnAtOnceOnAnOwnThread) {
  HostCluster c(2);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  calls_after_shutdown_return(c, 1);
}

TEST(SharedLoop, TheLoopEndsWithTheLastHostAndManyStopAtOnce) {
  std::weak_ptr<EventLoop> watch;
  {
    auto loop = std::make_shared<EventLoop>();
    watch = loop;
    HostCluster c(16, on_loop(loop, 16));
    loop.reset();  // the hosts hold it now
    ASSERT_FALSE(watch.expired());
    ASSERT_TRUE(eventually([&] { return c.converged(); }));
    // HostCluster's destructor has all 16 leave at once, each from its own thread.
  }
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace convoy
