// Route patterns: literal paths, one-segment placeholders, the rest of a path (any bytes, '/'
// and line feeds too), malformed patterns refused; and a path of the target's full length
// (8 KiB) matched without recursion (std::regex overflowed a thread's stack on one).
#include "http1/path_pattern.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace convoy::app {
namespace {

using Captures = std::vector<std::string>;

Captures match(const std::string& pattern, const std::string& path) {
  Captures out;
  if (!PathPattern(pattern).match(path, &out)) return {"(no match)"};
  return out;
}

TEST(PathPattern, MatchesLiteralPathsWhole) {
  EXPECT_EQ(match("/v1/health", "/v1/health"), Captures{"/v1/health"});
  EXPECT_EQ(match("/v1/health", "/v1/healthz"), Captures{"(no match)"});
  EXPECT_EQ(match("/v1/health", "/v1/healt"), Captures{"(no match)"});
  EXPECT_EQ(match("/index.html", "/indexXhtml"), Captures{"(no match)"});  // '.' is a '.'
  EXPECT_EQ(match("/", "/"), Captures{"/"});
}

TEST(PathPattern, TakesOneSegmentOrTheRest) {
  EXPECT_EQ(match("/v1/members/{id}", "/v1/members/3f2a"), (Captures{"/v1/members/3f2a", "3f2a"}));
  EXPECT_EQ(match("/v1/members/{id}", "/v1/members/"), Captures{"(no match)"});  // not empty
  EXPECT_EQ(match("/v1/members/{id}", "/v1/members/a/b"), Captures{"(no match)"});
  EXPECT_EQ(match("/v1/members/{id}/store/{key...}", "/v1/members/ab/store/x/y\nz"),
            (Captures{"/v1/members/ab/store/x/y\nz", "ab", "x/y\nz"}));
  EXPECT_EQ(match("/v1/members/{id}/store/{key...}", "/v1/members/ab/store/"),
            Captures{"(no match)"});
  EXPECT_EQ(match("/v1/members/{id}/store", "/v1/members/ab/store"),
            (Captures{"/v1/members/ab/store", "ab"}));
  EXPECT_EQ(match("/v1/members/{id}/fail", "/v1/members/ab/evict"), Captures{"(no match)"});
  const std::string key("a\0b", 3);
  EXPECT_EQ(match("/v1/store/{key...}", "/v1/store/" + key), (Captures{"/v1/store/" + key, key}));
}

TEST(PathPattern, MatchesALongPathInOnePass) {
  const std::string key(64 * 1024, 'k');
  EXPECT_EQ(match("/v1/store/{key...}", "/v1/store/" + key).at(1), key);
}

TEST(PathPattern, RefusesMalformedPatterns) {
  EXPECT_THROW(PathPattern("/a/{id"), std::invalid_argument);
  EXPECT_THROW(PathPattern("/a/{rest...}/b"), std::invalid_argument);
  EXPECT_THROW(PathPattern("/a/{x}{y}"), std::invalid_argument);
}

}  // namespace
}  // namespace convoy::app
