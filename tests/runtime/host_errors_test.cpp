// What a person meets first when a member cannot start: each of these ends with convoy::Error,
// a code a program can branch on, and one line that says what went wrong and what to do.
#include "host_cluster.hpp"
#include "process/netns_lab.hpp"
#include "process/node_process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace convoy {
namespace {

using namespace std::chrono_literals;

/// One line (no newline), that ends with advice: "...; <what to do>".
void expect_one_actionable_line(const std::string& message) {
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("; "), std::string::npos) << "no advice in: " << message;
}

TEST(HostErrors, ASeedListWhereNoneAnswersNamesEverySeedTried) {
  // Two ports nobody listens on: bound for a moment by a host that is then shut down.
  std::vector<std::string> seeds;
  for (int i = 0; i < 2; ++i) {
    auto h = Host::start(test::local_options());
    seeds.push_back(test::seed_of(*h));
    h->shutdown();
  }
  HostOptions o = test::local_options();
  o.join_timeout = 1500ms;
  const auto started = std::chrono::steady_clock::now();
  try {
    auto h = Host::join(o, seeds);
    FAIL() << "joined through seeds that are not running";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::join_failed);
    const std::string message = e.what();
    for (const std::string& s : seeds) EXPECT_NE(message.find(s), std::string::npos) << message;
    EXPECT_NE(message.find("check the seeds are running and reachable"), std::string::npos);
    expect_one_actionable_line(message);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "gave up long after its budget";
}

TEST(HostErrors, ADataDirHeldByAnotherProcessNamesItsPid) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("convoy-held-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    test::NodeProcess holder({"--bind", "127.0.0.1", "--data-dir", dir.string()});
    ASSERT_TRUE(holder.ok()) << holder.ready().dump();
    HostOptions o = test::local_options();
    o.data_dir = dir.string();
    try {
      auto h = Host::start(o);
      FAIL() << "a second member started on a data dir in use";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::data_dir_locked);
      const std::string message = e.what();
      EXPECT_NE(message.find("process " + std::to_string(holder.process().pid())),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("stop it or pick another data dir"), std::string::npos) << message;
      expect_one_actionable_line(message);
    }
    // The holder is untouched: it still writes.
    const auto put = holder.request("put k v", "put");
    EXPECT_EQ(put.value("status", ""), "done") << put.dump();
  }
  std::filesystem::remove_all(dir);
}

// A machine whose only interface is loopback: a member bound to 0.0.0.0 has nothing to tell
// others, and says to set the advertise address. The machine is a network namespace of the
// test's own (with only `lo`), so this needs root; elsewhere the rule itself is covered by
// advertise_address_test.
TEST(HostErrors, AWildcardBindWithNoUsableAddressSaysToSetTheAdvertiseAddress) {
  if (const auto why = test::NetnsLab::unavailable()) GTEST_SKIP() << *why;
  test::NetnsLab lab(1, /*with_network=*/false);
  for (const char* wildcard : {"0.0.0.0", "::"}) {
    test::NodeProcess node({"--bind", wildcard}, lab.exec(0));
    ASSERT_FALSE(node.ok()) << node.ready().dump();
    EXPECT_EQ(node.ready().value("code", ""), "address_unavailable") << node.ready().dump();
    const std::string message = node.ready().value("message", "");
    EXPECT_NE(message.find("set the advertise address"), std::string::npos) << message;
    expect_one_actionable_line(message);
  }
  // With the advertise address given, the same member starts.
  test::NodeProcess advertised({"--bind", "0.0.0.0", "--advertise", "127.0.0.1"}, lab.exec(0));
  EXPECT_TRUE(advertised.ok()) << advertised.ready().dump();
}

}  // namespace
}  // namespace convoy
