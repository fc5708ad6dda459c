// Parts of the HTTP layer that need no running member: the Prometheus rendering (every sample
// belongs to a declared family, labels escaped, histogram buckets cumulative with +Inf), the
// event log's burst aggregation, and the elastic task queue (grows with blocked jobs, bounded,
// idle threads end, shutdown joins).
#include "agent/event_log.hpp"
#include "http/prometheus_text.hpp"
#include "http1/elastic_task_queue.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

TEST(PrometheusText, EverySampleBelongsToADeclaredFamily) {
  Metrics m;
  m.members_alive = 3;
  m.rejected_packets = {{"bad\"magic\\", 2}, {"malformed", 1}};
  m.remote_write_latency_bounds = {0.001, 0.01};
  m.remote_write_latency_counts = {1, 3};
  m.remote_write_latency_count = 4;
  m.remote_write_latency_sum = 0.5;
  KeyringStatus keyring;
  keyring.key_ids = {"1a2b3c4d"};
  keyring.encryption = Encryption::send_sealed;
  const std::string text = prometheus_text(m, keyring, AgentGauges{});
  std::set<std::string> families;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# TYPE ")) {
      families.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.starts_with("#")) continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!families.count(name) && name.ends_with(suffix))
        name = name.substr(0, name.size() - std::string(suffix).size());
    EXPECT_TRUE(families.count(name)) << line;
  }
  EXPECT_NE(text.find("convoy_members{status=\"alive\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("reason=\"bad\\\"magic\\\\\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("convoy_remote_write_latency_seconds_bucket{le=\"+Inf\"} 4"),
            std::string::npos);
  EXPECT_NE(text.find("convoy_remote_write_latency_seconds_bucket{le=\"0.01\"} 3"),
            std::string::npos);
  // Every stage is listed, the current one 1, so a query finds members a rollout missed.
  EXPECT_NE(text.find("convoy_encryption_stage{stage=\"send_sealed\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("convoy_encryption_stage{stage=\"required\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("convoy_encryption_stage{stage=\"off\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("convoy_keyring_keys 1\n"), std::string::npos);
}

/// A LogOutput into a temporary file, read back as lines.
class CapturedLog {
 public:
  CapturedLog() : path_("/tmp/convoy-event-log-test-" + std::to_string(::getpid())) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  }
  ~CapturedLog() {
    ::close(fd_);
    std::remove(path_.c_str());
  }
  int fd() const { return fd_; }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }

 private:
  std::string path_;
  int fd_;
};

TEST(EventLog, AggregatesBurstsIntoOneSummaryLine) {
  CapturedLog captured;
  LogOutput out(LogLevel::info, LogFormat::text, captured.fd());
  EventLog log(out, 1s, 5);
  for (std::uint64_t i = 1; i <= 50; ++i) {
    Event e;
    e.kind = Event::Kind::member_joined;
    e.member = MemberId{i, i};
    log.on_event(e);
  }
  log.tick(std::chrono::steady_clock::now() + 2s);
  const auto lines = captured.lines();
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("joined"), std::string::npos);
  EXPECT_NE(lines[5].find("... and 45 more members joined"), std::string::npos) << lines[5];
}

TEST(EventLog, TellsARejoinFromARefutation) {
  CapturedLog captured;
  LogOutput out(LogLevel::info, LogFormat::json, captured.fd());
  EventLog log(out);
  Event e;
  e.member = MemberId{9, 9};
  for (auto kind : {Event::Kind::member_suspect, Event::Kind::member_alive,
                    Event::Kind::member_dead, Event::Kind::member_alive}) {
    e.kind = kind;
    log.on_event(e);
  }
  const auto lines = captured.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[1].find("refuted a suspicion"), std::string::npos) << lines[1];
  EXPECT_NE(lines[3].find("is back"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("\"event\":\"member_alive\""), std::string::npos) << lines[3];
}

TEST(ElasticTaskQueue, GrowsWithBlockedJobsUpToItsBound) {
  ElasticTaskQueue queue(8, 1, 100ms);
  std::atomic<int> running{0};
  std::atomic<bool> release{false};
  for (int i = 0; i < 12; ++i)
    queue.enqueue([&] {
      ++running;
      while (!release) std::this_thread::sleep_for(1ms);
    });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (running < 8 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(running.load(), 8);  // eight blocked jobs at once: one thread each
  EXPECT_EQ(queue.threads(), 8u);
  release = true;
  while (running < 12 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(running.load(), 12);  // the queued four ran once threads were free
  // A trickle of quick jobs is served by the same few threads; the rest end, down to the
  // ones kept idle.
  const auto trickle_end = std::chrono::steady_clock::now() + 5s;
  while (queue.threads() > 2 && std::chrono::steady_clock::now() < trickle_end) {
    queue.enqueue([] {});  // enqueue also joins the threads that ended
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_LE(queue.threads(), 2u);
  queue.shutdown();
  EXPECT_EQ(queue.threads(), 0u);
}

}  // namespace
}  // namespace convoy::app
