// Logging: Convoy logs through spdlog inside its runtime; a program chooses the level and, if it
// likes, receives every line through a callback to route it into its own logging. Without a
// sink, lines go to stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace convoy {

enum class LogLevel : std::uint8_t { trace, debug, info, warn, error, off };

/// "trace", "debug", "info", "warn", "error", "off".
[[nodiscard]] constexpr std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "info";
}

/// Receives one formatted log line (no trailing newline). Called from Convoy's threads, one line
/// at a time; it must not block for long and must not call back into the Host that logs.
using LogSink = std::function<void(LogLevel level, std::string_view line)>;

}  // namespace convoy
