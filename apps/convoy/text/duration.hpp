// Durations as people write them ("250ms", "1.5s", "2m"): one parser and one printer for every
// command of the tool (the simulator's flags, the agent's flags and config file, the demo's
// figures), so "1s" means the same everywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace convoy::app {

/// Parses "600s", "250ms", "2m", "1.5h", "90us" or a bare number of seconds. nullopt on
/// anything else (negative, no digits, unknown unit, out of range).
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

/// The unit list parse_duration accepts, for error messages.
inline constexpr std::string_view kDurationUnits = "us, ms, s, m or h";

/// "250ms", "1s", "1.5s", "2m": the shortest exact-enough form, for logs and figures.
[[nodiscard]] std::string format_duration(std::chrono::nanoseconds d);

/// Milliseconds with one decimal ("12.3 ms"), for measured latencies.
[[nodiscard]] std::string format_millis(std::chrono::nanoseconds d);

}  // namespace convoy::app
