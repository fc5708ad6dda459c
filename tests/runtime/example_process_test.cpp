// The example programs, each a process of its own, form a cluster over 127.0.0.1: three
// convoy_service processes see each other's role and port, and three convoy_counter processes
// raising one counter in a service's store at the same time, by compare-and-set, never lose an
// increment nor count one twice.
#include "process/child_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace convoy {
namespace {

#if defined(CONVOY_EXAMPLE_SERVICE) && defined(CONVOY_EXAMPLE_COUNTER)

using namespace std::chrono_literals;
using test::ChildProcess;

/// A running convoy_service and the lines it printed.
struct Service {
  std::unique_ptr<ChildProcess> process;
  std::string address;

  /// Reads lines until one equals `line` (true) or `limit` passes (false).
  bool wait_for_line(const std::string& line, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto next = process->read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!next) return false;
      if (*next == line) return true;
    }
    return false;
  }
};

Service start_service(const std::string& role, const std::string& port, const std::string& seed) {
  std::vector<std::string> argv = {CONVOY_EXAMPLE_SERVICE,
                                   "--role",
                                   role,
                                   "--service-port",
                                   port,
                                   "--bind",
                                   "127.0.0.1",
                                   "--port",
                                   "0",
                                   "--local"};
  if (!seed.empty()) argv.insert(argv.end(), {"--seed", seed});
  Service s{std::make_unique<ChildProcess>(argv), ""};
  // "member <id> at <address>"
  if (const auto first = s.process->read_line(20s); first && first->rfind("member ", 0) == 0)
    s.address = first->substr(first->rfind(' ') + 1);
  return s;
}

TEST(ExamplePrograms, ServicesFormAClusterAndConcurrentCountersLoseNoIncrement) {
  std::vector<Service> services;
  services.push_back(start_service("web", "8080", ""));
  ASSERT_FALSE(services[0].address.empty());
  services.push_back(start_service("db", "5432", services[0].address));
  services.push_back(start_service("cache", "6379", services[0].address));
  for (std::size_t i = 0; i < services.size(); ++i) {
    ASSERT_FALSE(services[i].address.empty()) << i;
    EXPECT_TRUE(services[i].wait_for_line("directory: 3 members, 3 alive", 20s)) << i;
  }

  // Three counters at once, ten increments each, in the first service's store.
  constexpr int kCounters = 3;
  constexpr int kTimes = 10;
  std::vector<std::unique_ptr<ChildProcess>> counters;
  for (int i = 0; i < kCounters; ++i)
    counters.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{CONVOY_EXAMPLE_COUNTER, "--seed", services[0].address, "--times",
                                 std::to_string(kTimes), "--bind", "127.0.0.1", "--local"}));
  std::multiset<int> values;  // every value some counter wrote: each exactly once
  for (auto& counter : counters) {
    for (;;) {
      const auto line = counter->read_line(30s);
      if (!line) break;
      if (line->rfind("counter = ", 0) == 0) values.insert(std::stoi(line->substr(10)));
    }
    const auto status = counter->wait(10s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  }
  std::multiset<int> expected;
  for (int v = 1; v <= kCounters * kTimes; ++v) expected.insert(v);
  EXPECT_EQ(values, expected);

  // SIGTERM: each service leaves gracefully and exits 0.
  for (auto& s : services) s.process->kill(SIGTERM);
  for (auto& s : services) {
    const auto status = s.process->wait(10s);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  }
}

#endif

}  // namespace
}  // namespace convoy
