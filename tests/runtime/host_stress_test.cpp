// Four threads hammer store().put and directory().search while 64 hosts gossip in this process:
// under ThreadSanitizer (the tsan preset) this is the check that the public API is free of data
// races from any thread; under every preset, that nobody is declared dead and the writes all
// arrive. Suspicions are counted and shown, not refused: on 2 shared cores, and 2-3x more under
// asan, four open-loop writers fill every io queue past the probe timeout (docs/runtime.md).
#include "host_cluster.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

constexpr std::size_t kHosts = 64;
constexpr int kThreads = 4;

/// Summed over every host: suspicions raised, and members declared dead.
std::pair<std::uint64_t, std::uint64_t> suspicions_and_deaths(HostCluster& c) {
  std::uint64_t suspicions = 0;
  std::uint64_t deaths = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Metrics m = c[i].metrics();
    suspicions += m.suspicions;
    deaths += m.members_declared_dead;
  }
  return {suspicions, deaths};
}

TEST(HostStress, FourThreadsPutAndSearchWhileSixtyFourHostsGossip) {
  // LAN timings (probe timeout 500 ms): the machine this runs on may be shared and loaded, and
  // this test is about what the program's own threads do to the protocol, not about the rest.
  // Under ThreadSanitizer, WAN timings (probe timeout 3 s): 64 hosts at a tenth of their speed
  // on 2 cores were declared dead with LAN timings (2,480 suspicions in 3 s).
  HostCluster c(kHosts, [](HostOptions& o, std::size_t) {
    o.log_level = LogLevel::error;
    o.config = test::kThreadSanitizer ? Config::wan() : Config::lan();
  });
  ASSERT_TRUE(eventually([&] { return c.converged(); }, 60s)) << "the 64 hosts did not converge";
  const auto before = suspicions_and_deaths(c);

  // Thread t writes into host 16t's store and searches host 16t+8's directory, for 3 seconds.
  std::atomic<long> puts{0};
  std::atomic<long> searches{0};
  std::atomic<std::size_t> seen{0};
  std::atomic<bool> failed{false};
  std::vector<std::string> last(kThreads);
  std::vector<std::thread> threads;
  const auto until = std::chrono::steady_clock::now() + 3s;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Host& writer = c[16 * static_cast<std::size_t>(t)];
      Host& reader = c[16 * static_cast<std::size_t>(t) + 8];
      for (long i = 0; std::chrono::steady_clock::now() < until; ++i) {
        const std::string value = std::to_string(t) + ":" + std::to_string(i);
        if (writer.store().put("k" + std::to_string(i % 16), value).status != WriteStatus::done)
          failed = true;
        last[t] = value;
        ++puts;
        const auto found = reader.directory().search(
            [](const DirectoryEntry& e) { return e.key.starts_with("k1"); });
        seen += found.size();
        ++searches;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_FALSE(failed) << "a put failed";

  // Every thread's last write reaches every host, nobody was suspected, everyone is alive.
  for (int t = 0; t < kThreads; ++t) {
    const MemberId owner = c[16 * static_cast<std::size_t>(t)].id();
    const std::string key = "k" + std::to_string(std::stol(last[t].substr(2)) % 16);
    EXPECT_TRUE(eventually([&] { return c.value_everywhere(owner, key, last[t]); }, 30s)) << t;
  }
  // Nobody was declared dead, and everyone is alive at the end. Suspicions are counted and
  // shown, not refused: on a shared, loaded machine (load average 11 on 2 cores) they were seen
  // with the four threads idle too (187 in one of five runs; docs/runtime.md), so they measure
  // the machine more than the program's threads.
  const auto after = suspicions_and_deaths(c);
  EXPECT_EQ(after.second, before.second) << "a member was declared dead";
  // A suspicion may still be pending refutation at this instant.
  EXPECT_TRUE(eventually([&] { return c.converged(); }, 30s));
  RecordProperty("suspicions", static_cast<int>(after.first - before.first));
  std::printf(
      "4 threads, 3 s: %ld puts, %ld searches (%zu entries), while 64 hosts gossip; "
      "%llu suspicions raised\n",
      puts.load(), searches.load(), seen.load(),
      static_cast<unsigned long long>(after.first - before.first));
}

}  // namespace
}  // namespace convoy
