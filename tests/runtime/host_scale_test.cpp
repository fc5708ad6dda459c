// 64 hosts in one process, over real sockets: they join and converge, a put at one is read at
// every other, and a host shut down abruptly is declared dead by all the rest. One cluster for
// the three steps, since forming it is most of the cost.
#include "host_cluster.hpp"

#include <gtest/gtest.h>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

constexpr std::size_t kHosts = 64;

TEST(HostScale, SixtyFourHostsConvergeSpreadAPutAndDeclareAKilledHostDead) {
  const auto started = std::chrono::steady_clock::now();
  // Config::local() with a probe every 500 ms: detection in seconds, still no false suspicion.
  HostCluster c(kHosts, [](HostOptions& o, std::size_t) {
    o.log_level = LogLevel::error;
    o.config.set_probe_period(500ms);
  });
  ASSERT_TRUE(eventually([&] { return c.converged(); }, 30s)) << "the 64 hosts did not converge";
  const auto converged = std::chrono::steady_clock::now();

  const WriteResult w = c[37].store().put("role", "db");
  ASSERT_EQ(w.status, WriteStatus::done) << w.error;
  ASSERT_TRUE(eventually([&] { return c.value_everywhere(c[37].id(), "role", "db"); }, 20s))
      << "a put did not reach every host";
  const auto spread = std::chrono::steady_clock::now();

  const MemberId gone = c[11].id();
  c[11].shutdown();
  ASSERT_TRUE(eventually([&] { return c.status_everywhere(gone, MemberStatus::dead); }, 30s))
      << "not every host declared the stopped host dead";
  const auto detected = std::chrono::steady_clock::now();

  // No host suspected anybody but the one that stopped.
  for (std::size_t i = 0; i < kHosts; ++i) {
    if (i == 11) continue;
    for (const Member& m : c[i].directory().all()) EXPECT_EQ(m.status, MemberStatus::alive) << i;
  }
  auto ms = [](auto d) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  RecordProperty("join_and_converge_ms", ms(converged - started));
  RecordProperty("put_everywhere_ms", ms(spread - converged));
  RecordProperty("declared_dead_everywhere_ms", ms(detected - spread));
  std::printf(
      "64 hosts: joined and converged in %d ms, a put everywhere in %d ms, a stopped host "
      "dead everywhere in %d ms\n",
      ms(converged - started), ms(spread - converged), ms(detected - spread));
}

}  // namespace
}  // namespace convoy
