// A member killed with SIGKILL in the middle of writing, then restarted on the same data dir,
// has every write it acknowledged — with Durability::each_write and with batched (group commit,
// several writers, so that commits really are shared). The writer is a process of its own
// (convoy_test_node) that reports each acknowledged write on its stdout as it happens; the test
// kills it at a random point, reads what it had reported, and checks the restarted store.
#include "process/node_process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::NodeProcess;

struct CrashCase {
  const char* durability;
  int threads;
};

class CrashDurability : public ::testing::TestWithParam<CrashCase> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("convoy-crash-" + std::to_string(::getpid()) + "-" + GetParam().durability);
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] std::vector<std::string> args() const {
    return {"--bind",      "127.0.0.1",    "--data-dir",
            dir_.string(), "--durability", GetParam().durability};
  }

  std::filesystem::path dir_;
};

TEST_P(CrashDurability, AKilledWriterLosesNoAcknowledgedWrite) {
  std::mt19937 rng(std::random_device{}());
  std::map<std::string, test::AckedWrite> acked;  // over every life
  std::uint64_t last_incarnation = 0;
  std::size_t total = 0;
  for (int life = 0; life < 3; ++life) {
    NodeProcess node(args());
    ASSERT_TRUE(node.ok()) << node.ready().dump();
    const std::uint64_t incarnation = node.ready().value("incarnation", std::uint64_t{0});
    if (life > 0) {
      EXPECT_GT(incarnation, last_incarnation) << "a restart reuses no incarnation";
    }
    last_incarnation = incarnation;
    // Each life writes the same keys again, so a lost write would show as an old version.
    const auto started =
        node.request("write_loop k 40 " + std::to_string(GetParam().threads), "write_loop");
    ASSERT_FALSE(started.is_null());
    const std::size_t kill_after = std::uniform_int_distribution<std::size_t>(20, 400)(rng);
    node.collect(30s, kill_after);
    ASSERT_GE(node.acked_count(), kill_after) << "the writer stalled";
    node.kill_hard();
    total += node.acked_count();
    for (const auto& [key, write] : node.acked()) acked[key] = write;

    NodeProcess check({"--bind", "127.0.0.1", "--data-dir", dir_.string(), "--dump"});
    ASSERT_EQ(check.ready().value("op", ""), "dump") << check.ready().dump();
    const auto& items = check.ready()["items"];
    for (const auto& [key, write] : acked) {
      ASSERT_TRUE(items.contains(key)) << "acknowledged key " << key << " lost";
      const std::uint64_t version = items[key].value("version", std::uint64_t{0});
      EXPECT_GE(version, write.version) << "acknowledged write to " << key << " lost";
      if (version == write.version) {
        EXPECT_EQ(items[key].value("value", ""), write.value) << key;
      }
    }
    last_incarnation =
        std::max(last_incarnation, check.ready().value("incarnation", std::uint64_t{0}));
  }
  RecordProperty("acknowledged_writes", static_cast<int>(total));
}

INSTANTIATE_TEST_SUITE_P(Durability, CrashDurability,
                         ::testing::Values(CrashCase{"each_write", 1}, CrashCase{"batched", 4}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.durability);
                         });

}  // namespace
}  // namespace convoy
