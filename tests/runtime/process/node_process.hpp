// NodeProcess: a Convoy member running as convoy_test_node in a process of its own (see
// node/test_node.cpp), spoken to in its own terms: a command, the JSON answer. Lines the node
// writes by itself — every write its write_loop had acknowledged — are collected as they pass,
// so a test knows exactly which writes were acknowledged before it killed the process.
#pragma once

#include "process/child_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace convoy::test {

/// Where convoy_test_node was built (set by tests/CMakeLists.txt).
inline std::string test_node_path() {
  return CONVOY_TEST_NODE;
}

/// A write the node reported as acknowledged.
struct AckedWrite {
  std::uint64_t version = 0;
  std::string value;
};

class NodeProcess {
 public:
  /// Starts `prefix` + convoy_test_node + `args` (prefix: e.g. {"ip", "netns", "exec", NS}) and
  /// reads its first line: `ready()` is then its answer (op "ready" or "error").
  explicit NodeProcess(const std::vector<std::string>& args,
                       const std::vector<std::string>& prefix = {},
                       std::chrono::milliseconds start_limit = std::chrono::seconds(40));

  /// The first line: {"op":"ready",...} or {"op":"error",...}; null if none came in time.
  [[nodiscard]] const nlohmann::json& ready() const { return ready_; }
  [[nodiscard]] bool ok() const { return ready_.is_object() && ready_.value("op", "") == "ready"; }
  [[nodiscard]] std::string id() const { return ready_.value("id", ""); }
  [[nodiscard]] std::string address() const { return ready_.value("address", ""); }

  /// Sends `command` and returns the next answer whose op is `op`; null on timeout or exit.
  nlohmann::json request(const std::string& command, const std::string& op,
                         std::chrono::milliseconds limit = std::chrono::seconds(10));
  /// Reads what the node printed by itself for up to `limit` (collecting acknowledged writes),
  /// stopping early once `count` acknowledgements arrived in total.
  void collect(std::chrono::milliseconds limit, std::size_t count = SIZE_MAX);

  /// Every write acknowledged so far: the highest version per key.
  [[nodiscard]] const std::map<std::string, AckedWrite>& acked() const { return acked_; }
  [[nodiscard]] std::size_t acked_count() const { return acked_count_; }

  /// SIGKILL, then reads what it wrote before it died (those writes were acknowledged).
  void kill_hard();
  ChildProcess& process() { return *child_; }

 private:
  /// One line from the node: acknowledgements are recorded (and returned too).
  nlohmann::json next(std::chrono::milliseconds limit);

  std::unique_ptr<ChildProcess> child_;
  nlohmann::json ready_;
  std::map<std::string, AckedWrite> acked_;
  std::size_t acked_count_ = 0;
};

}  // namespace convoy::test
