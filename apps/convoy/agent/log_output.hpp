// LogOutput: where the agent's log lines go (stderr), in the format the operator chose: text for
// people ("2026-11-30T16:19:00.123Z info  member 3fa2c1d0 joined") or JSON lines for log
// shippers ({"ts":..., "level":..., "msg":..., "member":...}). The library's own lines arrive
// through HostOptions::log_sink and are written the same way, so one agent writes one format.
// Thread-safe: lines come from the agent's threads and Convoy's; each is written whole.
#pragma once

#include "agent/agent_options.hpp"

#include <convoy/log.hpp>

#include <nlohmann/json.hpp>

#include <mutex>
#include <string_view>

namespace convoy::app {

class LogOutput {
 public:
  LogOutput(LogLevel min_level, LogFormat format, int fd = 2);

  [[nodiscard]] bool enabled(LogLevel level) const {
    return level != LogLevel::off && level >= min_level_;
  }
  /// One line of the agent's own. `fields` (a JSON object) adds structured detail in JSON format
  /// and is ignored in text format (the message says it for people).
  void write(LogLevel level, std::string_view message,
             const nlohmann::json& fields = nlohmann::json::object());
  /// A sink for HostOptions::log_sink: the library's lines, marked as its own.
  [[nodiscard]] LogSink library_sink();

 private:
  void emit(LogLevel level, std::string_view source, std::string_view message,
            const nlohmann::json& fields);

  LogLevel min_level_;
  LogFormat format_;
  int fd_;
  std::mutex mutex_;
};

}  // namespace convoy::app
