// Address and MemberId text forms: what the CLI, config files and logs read and write. Parsing
// takes operator input, so the rejections matter as much as the round trips.
#include <convoy/address.hpp>
#include <convoy/member_id.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace convoy {
namespace {

// Named generators rather than rc::Arbitrary specializations: codec_test.cpp owns those, and a
// second definition in this binary would break the one-definition rule.
rc::Gen<Address> gen_address() {
  return rc::gen::apply(
      [](bool v6, const std::vector<std::uint8_t>& ip, std::uint16_t port) {
        Address a;
        a.family = v6 ? Address::Family::v6 : Address::Family::v4;
        std::copy_n(ip.begin(), a.ip_size(), a.ip.begin());
        a.port = port;
        return a;
      },
      rc::gen::arbitrary<bool>(),
      rc::gen::container<std::vector<std::uint8_t>>(16, rc::gen::arbitrary<std::uint8_t>()),
      rc::gen::arbitrary<std::uint16_t>());
}

Address v6(std::initializer_list<std::uint8_t> bytes, std::uint16_t port) {
  Address a;
  a.family = Address::Family::v6;
  std::copy(bytes.begin(), bytes.end(), a.ip.begin());
  a.port = port;
  return a;
}

// ---- Address ----------------------------------------------------------------------------------

TEST(AddressParse, IPv4) {
  EXPECT_TRUE(Address::parse("1.2.3.4:5") == Address::v4(1, 2, 3, 4, 5));
  EXPECT_TRUE(Address::parse("0.0.0.0:0") == Address::v4(0, 0, 0, 0, 0));
  EXPECT_TRUE(Address::parse("255.255.255.255:65535") == Address::v4(255, 255, 255, 255, 65535));
}

TEST(AddressParse, IPv6) {
  EXPECT_TRUE(Address::parse("[::1]:7946") ==
              v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 7946));
  EXPECT_TRUE(Address::parse("[2001:db8::17]:80") ==
              v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17}, 80));
  EXPECT_TRUE(Address::parse("[2001:DB8::17]:80") == Address::parse("[2001:db8::17]:80"));
  // An IPv4-mapped IPv6 address stays IPv6: the family says how the member is reached.
  const auto mapped = Address::parse("[::ffff:1.2.3.4]:9");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->family, Address::Family::v6);
}

TEST(AddressParse, Rejections) {
  for (const char* text : {
           "",
           ":",
           "1.2.3.4",            // no port
           "1.2.3.4:",           // empty port
           "1.2.3.4:65536",      // port out of range
           "1.2.3.4:123456",     // port too long
           "1.2.3.4:-1",         // sign
           "1.2.3.4:+1",         // sign
           "1.2.3.4: 1",         // space
           "1.2.3.4:80x",        // trailing junk
           "1.2.3.4:5:6",        // two ports
           "1.2.3:4",            // three octets
           "1.2.3.4.5:6",        // five octets
           "256.1.1.1:1",        // octet out of range
           " 1.2.3.4:5",         // leading space
           "localhost:80",       // names are not resolved here
           "::1:80",             // IPv6 needs brackets
           "[::1]",              // no port
           "[::1]:",             // empty port
           "[::1]80",            // no separator
           "[::1:80",            // unclosed bracket
           "[1.2.3.4]:80",       // IPv4 in brackets
           "[fe80::1%eth0]:80",  // zone ids are not supported
           "[::1]:80]",          // junk after the port
           "[]:80",              // empty host
           "[1:2:3:4:5:6:7:8:9]:80",
       }) {
    EXPECT_FALSE(Address::parse(text).has_value()) << '"' << text << '"';
  }
}

TEST(AddressFormat, Examples) {
  EXPECT_EQ(Address::v4(10, 0, 0, 1, 7946).to_string(), "10.0.0.1:7946");
  EXPECT_EQ(Address::v4(0, 0, 0, 0, 0).to_string(), "0.0.0.0:0");
  EXPECT_EQ(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 7946).to_string(), "[::1]:7946");
  EXPECT_EQ(v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17}, 80).to_string(),
            "[2001:db8::17]:80");
  EXPECT_EQ(v6({}, 1).to_string(), "[::]:1");
}

RC_GTEST_PROP(AddressText, RoundTrips, ()) {
  const Address a = *gen_address();
  const std::string text = a.to_string();
  RC_LOG() << text << '\n';
  const auto parsed = Address::parse(text);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == a);
  RC_ASSERT(parsed->to_string() == text);
}

RC_GTEST_PROP(AddressText, ParseNeverCrashes, (const std::string& text)) {
  const auto parsed = Address::parse(text);
  // Whatever it accepts is a canonical value that formats and parses back to itself.
  if (parsed) RC_ASSERT(Address::parse(parsed->to_string()) == parsed);
}

// ---- MemberId ---------------------------------------------------------------------------------

TEST(MemberIdText, Examples) {
  const MemberId id{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(id.to_string(), "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(MemberId{}.to_string(), std::string(32, '0'));
  EXPECT_TRUE(MemberId::parse("0123456789abcdeffedcba9876543210") == id);
  EXPECT_TRUE(MemberId::parse("0123456789ABCDEFFEDCBA9876543210") == id);
  EXPECT_TRUE(MemberId::parse(std::string(32, '0')) == MemberId{});
  EXPECT_TRUE(MemberId::parse(std::string(32, 'f')) == (MemberId{~0ULL, ~0ULL}));
}

TEST(MemberIdText, Rejections) {
  for (const std::string& text : {
           std::string(), std::string(31, '0'), std::string(33, '0'),
           std::string("0x23456789abcdeffedcba9876543210"),    // prefix
           std::string("0123456789abcdeffedcba987654321g"),    // non-hex
           std::string("0123456789abcdef fedcba987654321"),    // space
           std::string("0123456789abcdef-edcba9876543210"),    // dash
           std::string("0123456789abcdeffedcba9876543210\n"),  // trailing newline
       }) {
    EXPECT_FALSE(MemberId::parse(text).has_value()) << '"' << text << '"';
  }
}

RC_GTEST_PROP(MemberIdText, RoundTrips, (std::uint64_t hi, std::uint64_t lo)) {
  const MemberId id{hi, lo};
  const std::string text = id.to_string();
  RC_ASSERT(text.size() == 32u);
  RC_ASSERT(std::all_of(text.begin(), text.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
  RC_ASSERT(MemberId::parse(text) == id);
}

RC_GTEST_PROP(MemberIdText, ParseNeverCrashes, (const std::string& text)) {
  const auto parsed = MemberId::parse(text);
  if (parsed) RC_ASSERT(text.size() == 32u);
}

}  // namespace
}  // namespace convoy
