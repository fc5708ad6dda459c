// Durations and host:port text: the parsers every command of the tool shares.
#include "text/duration.hpp"
#include "text/host_port.hpp"

#include <gtest/gtest.h>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

TEST(Duration, ParsesEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("2"), 2s);
  EXPECT_EQ(parse_duration("2m"), 120s);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  EXPECT_EQ(parse_duration("90us"), 90us);
  EXPECT_EQ(parse_duration("0s"), 0s);
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (const char* bad :
       {"", "s", "-1s", "1 s", "1sec", "1e400s", "nan", "inf", "1ms5", "0x10s", "9999999999999h"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(Duration, FormatsShortestExactForm) {
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(1s), "1s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(0s), "0s");
  // What is formatted parses back to the same value.
  for (auto d : {std::chrono::nanoseconds(250ms), std::chrono::nanoseconds(1500ms),
                 std::chrono::nanoseconds(90s), std::chrono::nanoseconds(1234us)})
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
}

TEST(HostPort, ParsesTheUsualForms) {
  auto hp = parse_host_port("10.0.0.5:7946", 1);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "10.0.0.5");
  EXPECT_EQ(hp->port, 7946);
  hp = parse_host_port("[::1]:7947", 1);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->to_string(), "[::1]:7947");
  hp = parse_host_port("node1.lan", 7946);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->port, 7946);
  hp = parse_host_port(":9000", 1);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "");
  EXPECT_EQ(hp->port, 9000);
  hp = parse_host_port("fe80::1", 7);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "fe80::1");
  EXPECT_EQ(hp->port, 7);
}

TEST(HostPort, RefusesMalformedText) {
  for (const char* bad : {"", "host:", "host:65536", "host:-1", "host:port", "[::1", "[::1]x",
                          "[]:80", "a b:80", "host:80:90x", "ho/st:80"})
    EXPECT_FALSE(parse_host_port(bad, 1).has_value()) << bad;
}

}  // namespace
}  // namespace convoy::app
