// Several machines, for real: five convoy_test_node processes, each in a network namespace of
// its own with its own address (10.77.0.1 ... 10.77.0.5), joined by a bridge. Links are cut and
// healed with iptables, and a share of datagrams dropped with iptables' random `statistic` match
// (there is no netem here). The cluster forms; spreads writes through 10 % datagram loss;
// splits in two under a partition and merges again by itself once the links are back; declares
// a SIGKILLed process dead; and, its data dir restarted, has it back with every write it had
// acknowledged. No acknowledged write is lost anywhere along the way.
//
// Needs root and iproute2/iptables (scripts/setup installs them); skips, saying why, elsewhere.
#include "host_cluster.hpp"
#include "process/netns_lab.hpp"
#include "process/node_process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::NetnsLab;
using test::NodeProcess;

constexpr std::size_t kMachines = 5;

class MultiMachine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = NetnsLab::unavailable()) GTEST_SKIP() << *why;
    lab_ = std::make_unique<NetnsLab>(kMachines);
    dirs_ =
        std::filesystem::temp_directory_path() / ("convoy-machines-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dirs_);
    nodes_.resize(kMachines);
    ids_.resize(kMachines);
  }
  void TearDown() override {
    nodes_.clear();  // the processes end before their namespaces go
    lab_.reset();
    if (!dirs_.empty()) std::filesystem::remove_all(dirs_);
  }

  [[nodiscard]] std::string address(std::size_t i) const { return lab_->ip(i) + ":7946"; }

  /// Machine i's member, joining through machines 0 and 2 (one seed on each side of the
  /// partition below), keeping its state in a data dir of its own.
  void start(std::size_t i) {
    std::vector<std::string> args = {
        "--bind",     lab_->ip(i), "--port",     "7946",
        "--probe-ms", "300",       "--data-dir", (dirs_ / std::to_string(i)).string()};
    for (std::size_t seed : {std::size_t{0}, std::size_t{2}})
      if (seed != i && nodes_[seed]) args.insert(args.end(), {"--seed", address(seed)});
    nodes_[i] = std::make_unique<NodeProcess>(args, lab_->exec(i));
    ASSERT_TRUE(nodes_[i]->ok()) << i << ": " << nodes_[i]->ready().dump();
    ids_[i] = nodes_[i]->id();
  }

  /// What machine i sees: member id -> status.
  std::map<std::string, std::string> view(std::size_t i) {
    std::map<std::string, std::string> statuses;
    const json answer = nodes_[i]->request("members", "members", 5s);
    if (!answer.is_object()) return statuses;
    for (const json& m : answer["members"]) statuses[m.value("id", "")] = m.value("status", "");
    return statuses;
  }

  /// Every machine in `watchers` sees every machine in `members` as `status`.
  bool everyone_sees(const std::vector<std::size_t>& watchers,
                     const std::vector<std::size_t>& members, const std::string& status) {
    for (std::size_t w : watchers) {
      const auto statuses = view(w);
      for (std::size_t m : members) {
        if (m == w) continue;
        const auto it = statuses.find(ids_[m]);
        if (it == statuses.end() || it->second != status) return false;
      }
    }
    return true;
  }

  /// Machine `writer` puts `key`; the acknowledged value is remembered.
  void put(std::size_t writer, const std::string& key, const std::string& value) {
    const json r = nodes_[writer]->request("put " + key + " " + value, "put");
    ASSERT_EQ(r.value("status", ""), "done") << r.dump();
    acked_[{writer, key}] = value;
  }

  /// Every machine in `readers` reads every acknowledged write of every machine in `owners`.
  bool writes_seen(const std::vector<std::size_t>& readers,
                   const std::vector<std::size_t>& owners) {
    for (std::size_t r : readers)
      for (const auto& [where, value] : acked_) {
        if (std::find(owners.begin(), owners.end(), where.first) == owners.end()) continue;
        const json g = nodes_[r]->request("get " + ids_[where.first] + " " + where.second, "get");
        if (!g.value("found", false) || g.value("value", "") != value) return false;
      }
    return true;
  }

  std::unique_ptr<NetnsLab> lab_;
  std::filesystem::path dirs_;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
  std::vector<std::string> ids_;
  std::map<std::pair<std::size_t, std::string>, std::string> acked_;
};

TEST_F(MultiMachine, FormsSurvivesLossHealsAPartitionDetectsAKillAndLosesNoWrite) {
  const std::vector<std::size_t> all = {0, 1, 2, 3, 4};
  for (std::size_t i = 0; i < kMachines; ++i) ASSERT_NO_FATAL_FAILURE(start(i));
  ASSERT_TRUE(eventually([&] { return everyone_sees(all, all, "alive"); }, 30s)) << "formed";

  // 10 % of the datagrams every machine receives are dropped: writes still reach everyone, and
  // nobody is declared dead for it (a suspicion may come and be refuted).
  lab_->drop_udp(0.10);
  for (std::size_t i = 0; i < kMachines; ++i)
    ASSERT_NO_FATAL_FAILURE(put(i, "lossy", "v" + std::to_string(i)));
  EXPECT_TRUE(eventually([&] { return writes_seen(all, all); }, 30s)) << "spread through loss";
  EXPECT_TRUE(everyone_sees(all, all, "alive")) << "a member falsely declared dead under loss";
  lab_->heal();

  // A partition: {0, 1} | {2, 3, 4}. Each side declares the other dead and goes on writing.
  const std::vector<std::size_t> left = {0, 1};
  const std::vector<std::size_t> right = {2, 3, 4};
  lab_->partition(left, right);
  ASSERT_TRUE(eventually([&] { return everyone_sees(left, right, "dead"); }, 30s));
  ASSERT_TRUE(eventually([&] { return everyone_sees(right, left, "dead"); }, 30s));
  for (std::size_t i = 0; i < kMachines; ++i)
    ASSERT_NO_FATAL_FAILURE(put(i, "split", "s" + std::to_string(i)));
  EXPECT_TRUE(eventually([&] { return writes_seen(left, left) && writes_seen(right, right); }));

  // Links back: the cluster merges by itself, with everything written on both sides.
  lab_->heal();
  const auto healing = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return everyone_sees(all, all, "alive"); }, 60s)) << "merged";
  EXPECT_TRUE(eventually([&] { return writes_seen(all, all); }, 30s)) << "writes after merge";
  std::cout << "partition healed in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - healing)
                   .count()
            << " ms\n";

  // Machine 4 writes and is killed: everyone declares it dead. Restarted on its data dir, it
  // comes back with its id and every write it acknowledged, at every machine.
  ASSERT_NO_FATAL_FAILURE(put(4, "last", "words"));
  nodes_[4]->kill_hard();
  const std::vector<std::size_t> survivors = {0, 1, 2, 3};
  ASSERT_TRUE(eventually([&] { return everyone_sees(survivors, {4}, "dead"); }, 30s));
  const std::string old_id = ids_[4];
  nodes_[4].reset();
  ASSERT_NO_FATAL_FAILURE(start(4));
  EXPECT_EQ(ids_[4], old_id);
  ASSERT_TRUE(eventually([&] { return everyone_sees(all, all, "alive"); }, 30s)) << "back";
  EXPECT_TRUE(eventually([&] { return writes_seen(all, all); }, 30s)) << "no write lost";
}

}  // namespace
}  // namespace convoy
