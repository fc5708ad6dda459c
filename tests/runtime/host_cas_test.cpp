// Remote compare-and-set with writers racing: several hosts ask one owner, at the same moment,
// to replace the same version of the same key. The owner serialises them: exactly one wins each
// round, and every loser is told the winner's item.
#include "host_cluster.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

namespace convoy {
namespace {

using test::eventually;
using test::HostCluster;

class RemoteCas : public ::testing::TestWithParam<const char*> {};

TEST_P(RemoteCas, ConcurrentWritersOfOneKeyExactlyOneWinsEachRound) {
  constexpr std::size_t kWriters = 4;  // hosts 1..4 write into host 0's store
  constexpr int kRounds = 20;
  HostCluster c(kWriters + 1, {}, GetParam());
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const MemberId owner = c[0].id();

  Item current;  // what every writer expects this round: absent at first
  bool present = false;
  for (int round = 0; round < kRounds; ++round) {
    const Expectation expected = present ? Expectation::of(current) : Expectation::absent();
    std::vector<std::future<WriteResult>> answers;
    for (std::size_t w = 1; w <= kWriters; ++w)
      answers.push_back(c[w].directory().member(owner).store().put_async(
          "leader", "round" + std::to_string(round) + "-writer" + std::to_string(w), expected));
    std::vector<WriteResult> results;
    for (auto& a : answers) results.push_back(a.get());

    int winners = 0;
    Item won;
    for (const WriteResult& r : results) {
      ASSERT_TRUE(r.status == WriteStatus::done || r.status == WriteStatus::conflict)
          << "round " << round << ": " << to_string(r.status) << " " << r.error;
      if (r.status == WriteStatus::done) {
        ++winners;
        won = r.item;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    for (const WriteResult& r : results) {
      if (r.status == WriteStatus::conflict) {
        EXPECT_EQ(r.item, won) << "round " << round;
      }
    }
    EXPECT_EQ(c[0].store().get("leader"), won) << "round " << round;
    if (present) {
      EXPECT_GT(won.version, current.version);
    }
    current = won;
    present = true;
  }
  // And the last winner's value reaches everyone.
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(owner, "leader", current.value); }));
}

INSTANTIATE_TEST_SUITE_P(Loopback, RemoteCas, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& param_info) {
                           return std::string(param_info.param) == "::1" ? "V6" : "V4";
                         });

}  // namespace
}  // namespace convoy
