// NodeProcess: see node_process.hpp.
#include "process/node_process.hpp"

#include <signal.h>

namespace convoy::test {

using nlohmann::json;

NodeProcess::NodeProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& prefix,
                         std::chrono::milliseconds start_limit) {
  std::vector<std::string> argv = prefix;
  argv.push_back(test_node_path());
  argv.insert(argv.end(), args.begin(), args.end());
  child_ = std::make_unique<ChildProcess>(argv);
  ready_ = next(start_limit);
}

json NodeProcess::next(std::chrono::milliseconds limit) {
  const auto line = child_->read_line(limit);
  if (!line) return nullptr;
  json j = json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return json{{"op", "garbage"}, {"line", *line}};
  if (j.value("op", "") == "acked") {
    const std::string key = j.value("key", "");
    const std::uint64_t version = j.value("version", std::uint64_t{0});
    AckedWrite& a = acked_[key];
    if (version >= a.version) a = AckedWrite{version, j.value("value", "")};
    ++acked_count_;
  }
  return j;
}

json NodeProcess::request(const std::string& command, const std::string& op,
                          std::chrono::milliseconds limit) {
  if (!child_->send(command)) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    json j = next(left);
    if (j.is_null()) return nullptr;
    if (j.value("op", "") == op) return j;
  }
}

void NodeProcess::collect(std::chrono::milliseconds limit, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (acked_count_ < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    if (next(left).is_null() && child_->output_ended()) return;
  }
}

void NodeProcess::kill_hard() {
  child_->kill(SIGKILL);
  child_->wait(std::chrono::seconds(10));
  // What it printed before it died is in the pipe still: those writes were acknowledged.
  while (!next(std::chrono::seconds(5)).is_null()) {
  }
}

}  // namespace convoy::test
