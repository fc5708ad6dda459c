// Address resolution: what counts as a seed's "host:port", literals that never touch the
// resolver, and "localhost" through the real one. Names that need DNS are not used: the test
// machine may have none.
#include "runtime/address_resolution.hpp"

#include "runtime/address_endpoint.hpp"

#include "event_loop.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>

namespace convoy::runtime {
namespace {

using testing::EventLoop;

TEST(SplitHostPort, AcceptsNamesIpv4AndBracketedIpv6) {
  EXPECT_EQ(split_host_port("seed.example:7946")->host, "seed.example");
  EXPECT_EQ(split_host_port("seed.example:7946")->port, 7946);
  EXPECT_EQ(split_host_port("1.2.3.4:5")->host, "1.2.3.4");
  EXPECT_EQ(split_host_port("[::1]:5")->host, "::1");
  EXPECT_EQ(split_host_port("[fe80::1]:65535")->port, 65535);
}

TEST(SplitHostPort, RefusesEverythingElse) {
  for (const char* bad :
       {"", "host", "host:", ":5", "host:0", "host:65536", "host:-1", "host:5x", "host: 5",
        "host:+5", "::1:5", "::1", "[::1]5", "[::1]:", "[]:5", "[::1:5", "host:123456"}) {
    EXPECT_FALSE(split_host_port(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ResolveSeed, LocalhostGivesLoopbackAddressesWithThePort) {
  EventLoop loop;
  const std::vector<Address> found = resolve_seed(loop.io(), "localhost:7946");
  ASSERT_FALSE(found.empty());
  for (const Address& a : found) {
    EXPECT_EQ(a.port, 7946);
    EXPECT_TRUE(to_ip(a).is_loopback()) << a.to_string();
  }
}

TEST(ResolveSeed, LiteralsResolveToThemselves) {
  EventLoop loop;
  EXPECT_EQ(resolve_seed(loop.io(), "1.2.3.4:5"), std::vector{*Address::parse("1.2.3.4:5")});
  EXPECT_EQ(resolve_seed(loop.io(), "[::1]:5"), std::vector{*Address::parse("[::1]:5")});
  // The IPv4-mapped form is the same member as plain IPv4.
  EXPECT_EQ(resolve_seed(loop.io(), "[::ffff:10.0.0.1]:5"),
            std::vector{*Address::parse("10.0.0.1:5")});
}

TEST(ResolveSeed, BadTextIsInvalidArgument) {
  EventLoop loop;
  for (const char* bad : {"", "localhost", "localhost:0", "::1:5", "1.2.3.4:99999", "[::1]"}) {
    try {
      (void)resolve_seed(loop.io(), bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << bad;
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace convoy::runtime
