// PathPattern: a route's path with placeholders — "/v1/members/{id}/store/{key...}" — matched
// against a request's decoded path in one pass. "{name}" takes one segment (one or more bytes up
// to the next '/'), "{name...}" the rest of the path (one or more bytes of any kind, '/' and
// line feeds included); the rest is literal. The values taken are the match's captures, in order.
//
// Why not std::regex: libstdc++ matches recursively, one stack frame chain per input byte (GCC
// bug 86164); an 8 KiB key overflowed a connection thread's stack under AddressSanitizer. The
// API's paths need no more than segments and a tail, and this matcher's cost is the path's
// length, nothing else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace convoy::app {

class PathPattern {
 public:
  /// Throws std::invalid_argument for a malformed pattern (an unclosed '{', a "{...}" that is
  /// not last, two placeholders in a row).
  explicit PathPattern(std::string_view pattern);

  /// Whether `path` matches, all of it; on a match, `captures` (if given) holds the whole path
  /// then each placeholder's value.
  [[nodiscard]] bool match(std::string_view path, std::vector<std::string>* captures) const;

 private:
  enum class Kind { literal, segment, rest };
  struct Part {
    Kind kind;
    std::string text;  ///< a literal's bytes
  };
  std::vector<Part> parts_;
};

}  // namespace convoy::app
