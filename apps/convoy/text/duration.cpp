// Duration text: see duration.hpp.
#include "text/duration.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace convoy::app {

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  double value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end == first || !(value >= 0) || !std::isfinite(value)) return {};
  std::string_view unit(end, static_cast<std::size_t>(last - end));
  double seconds = 0;
  if (unit.empty() || unit == "s")
    seconds = value;
  else if (unit == "ms")
    seconds = value / 1e3;
  else if (unit == "us")
    seconds = value / 1e6;
  else if (unit == "m" || unit == "min")
    seconds = value * 60.0;
  else if (unit == "h")
    seconds = value * 3600.0;
  else
    return {};
  // About 292 years fit in int64 nanoseconds; anything near that is a typo, not a setting.
  if (seconds > 1e9) return {};
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

std::string format_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  const auto ns = d.count();
  char buf[64];
  if (ns % 3'600'000'000'000 == 0 && ns != 0) return std::to_string(ns / 3'600'000'000'000) + "h";
  if (ns % 60'000'000'000 == 0 && ns != 0) return std::to_string(ns / 60'000'000'000) + "m";
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(ns) / 1e9);
    return buf;
  }
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string format_millis(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1e6);
  return buf;
}

}  // namespace convoy::app
