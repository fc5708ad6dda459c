// Header fields, looked up without regard to case ("content-type" finds "Content-Type"), as
// HTTP names are case-insensitive. A multimap: a field sent twice keeps both values, in order.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace convoy::app {

struct CaseInsensitiveLess {
  using is_transparent = void;
  [[nodiscard]] bool operator()(std::string_view a, std::string_view b) const {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
      const char x = lower(a[i]);
      const char y = lower(b[i]);
      if (x != y) return x < y;
    }
    return a.size() < b.size();
  }

 private:
  static char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
};

[[nodiscard]] inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return !CaseInsensitiveLess{}(a, b) && !CaseInsensitiveLess{}(b, a);
}

using HttpHeaders = std::multimap<std::string, std::string, CaseInsensitiveLess>;

/// The first value of `name`, or "" when absent.
[[nodiscard]] inline std::string header_value(const HttpHeaders& headers, std::string_view name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace convoy::app
