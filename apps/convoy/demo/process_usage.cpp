// /proc readings: see process_usage.hpp.
#include "demo/process_usage.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace convoy::app {

std::optional<ThreadTimes> thread_times(pid_t pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  std::filesystem::directory_iterator it(tasks, error);
  if (error) return std::nullopt;
  ThreadTimes times;
  for (const auto& entry : it) {
    std::ifstream in(entry.path() / "schedstat");
    unsigned long long on_cpu = 0;
    if (!(in >> on_cpu)) continue;  // the thread ended meanwhile
    times[std::stol(entry.path().filename().string())] =
        std::chrono::nanoseconds(static_cast<long long>(on_cpu));
  }
  return times;
}

std::chrono::nanoseconds cpu_between(const ThreadTimes& before, const ThreadTimes& after) {
  std::chrono::nanoseconds used{0};
  for (const auto& [tid, ran] : after) {
    auto it = before.find(tid);
    used += ran - (it == before.end() ? std::chrono::nanoseconds{0} : it->second);
  }
  return used;
}

std::optional<std::size_t> resident_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::size_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return std::nullopt;
}

}  // namespace convoy::app
