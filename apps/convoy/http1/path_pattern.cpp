// PathPattern: see path_pattern.hpp.
#include "http1/path_pattern.hpp"

#include <stdexcept>

namespace convoy::app {

PathPattern::PathPattern(std::string_view pattern) {
  const auto bad = [&](const char* why) {
    return std::invalid_argument("bad path pattern '" + std::string(pattern) + "': " + why);
  };
  while (!pattern.empty()) {
    const auto open = pattern.find('{');
    if (open != 0) {
      parts_.push_back({Kind::literal, std::string(pattern.substr(0, open))});
      if (open == std::string_view::npos) break;
      pattern.remove_prefix(open);
      continue;
    }
    const auto close = pattern.find('}');
    if (close == std::string_view::npos) throw bad("'{' without '}'");
    const bool rest = pattern.substr(0, close).ends_with("...");
    if (!parts_.empty() && parts_.back().kind != Kind::literal)
      throw bad("two placeholders in a row");
    parts_.push_back({rest ? Kind::rest : Kind::segment, {}});
    pattern.remove_prefix(close + 1);
    if (rest && !pattern.empty()) throw bad("'{...}' must come last");
  }
}

bool PathPattern::match(std::string_view path, std::vector<std::string>* captures) const {
  std::vector<std::string> taken;
  std::string_view left = path;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::literal:
        if (!left.starts_with(part.text)) return false;
        left.remove_prefix(part.text.size());
        break;
      case Kind::segment: {
        const auto end = left.find('/');
        const std::string_view value = left.substr(0, end);
        if (value.empty()) return false;
        taken.emplace_back(value);
        left.remove_prefix(value.size());
        break;
      }
      case Kind::rest:
        if (left.empty()) return false;
        taken.emplace_back(left);
        left = {};
        break;
    }
  }
  if (!left.empty()) return false;
  if (captures != nullptr) {
    captures->clear();
    captures->emplace_back(path);
    for (std::string& t : taken) captures->push_back(std::move(t));
  }
  return true;
}

}  // namespace convoy::app
