// LogOutput: see log_output.hpp.
#include "agent/log_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace convoy::app {
namespace {

std::string utc_timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void write_all(int fd, const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report a failing log; the agent goes on
    done += static_cast<std::size_t>(n);
  }
}

/// The line without a "2026-11-30T17:09:11.246 info convoy: " prefix, if the library put its own
/// time and level in front (it does so when it formats for stderr); this output adds its own.
std::string_view without_library_prefix(std::string_view line) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (line.size() < 24 || !is_digit(line[0]) || line[4] != '-' || line[10] != 'T' ||
      line[19] != '.')
    return line;
  const auto level_end = line.find(' ', 24);
  if (level_end == std::string_view::npos) return line;
  const auto name_end = line.find(": ", level_end + 1);
  if (name_end == std::string_view::npos || name_end - level_end > 16) return line;
  return line.substr(name_end + 2);
}

}  // namespace

LogOutput::LogOutput(LogLevel min_level, LogFormat format, int fd)
    : min_level_(min_level), format_(format), fd_(fd) {}

void LogOutput::write(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (enabled(level)) emit(level, "agent", message, fields);
}

LogSink LogOutput::library_sink() {
  return [this](LogLevel level, std::string_view line) {
    if (enabled(level))
      emit(level, "convoy", without_library_prefix(line), nlohmann::json::object());
  };
}

void LogOutput::emit(LogLevel level, std::string_view source, std::string_view message,
                     const nlohmann::json& fields) {
  std::string line;
  if (format_ == LogFormat::json) {
    nlohmann::ordered_json j;
    j["ts"] = utc_timestamp();
    j["level"] = to_string(level);
    j["source"] = source;
    j["msg"] = message;
    if (fields.is_object())
      for (const auto& [k, v] : fields.items()) j[k] = v;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    std::string lvl(to_string(level));
    lvl.resize(5, ' ');
    line = utc_timestamp() + " " + lvl + " ";
    if (source != "agent") line += std::string(source) + ": ";
    line += message;
  }
  line += '\n';
  std::lock_guard lock(mutex_);
  write_all(fd_, line);
}

}  // namespace convoy::app
