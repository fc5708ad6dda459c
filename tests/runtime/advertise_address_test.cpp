// Advertise address: the picking rules over invented interface lists (private first, loopback,
// wildcard and link-local never, the clear error when nothing fits), a property over random
// lists, the user-given advertise host, and what a wildcard bind does on this very machine.
#include "runtime/advertise_address.hpp"

#include "event_loop.hpp"
#include "recording_handler.hpp"
#include "runtime/address_endpoint.hpp"
#include "runtime/transport.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

namespace convoy::runtime {
namespace {

using testing::EventLoop;
using testing::RecordingHandler;
using Family = Address::Family;

InterfaceAddress nic(const char* name, const char* ip) {
  return {name, asio::ip::make_address(ip), false};
}
InterfaceAddress loopback_nic(const char* ip) {
  return {"lo", asio::ip::make_address(ip), true};
}

std::optional<std::string> pick(const std::vector<InterfaceAddress>& list, Family family) {
  const auto ip = pick_advertise_ip(list, family);
  if (!ip) return std::nullopt;
  return ip->to_string();
}

TEST(PickAdvertiseIp, PrivateBeatsGlobalWhateverTheOrder) {
  const std::vector<InterfaceAddress> list = {loopback_nic("127.0.0.1"), nic("eth0", "203.0.113.5"),
                                              nic("eth1", "10.1.2.3"), nic("eth2", "192.168.0.9")};
  EXPECT_EQ(pick(list, Family::v4), "10.1.2.3");  // the first private one
}

TEST(PickAdvertiseIp, GlobalWhenNothingPrivate) {
  const std::vector<InterfaceAddress> list = {
      loopback_nic("127.0.0.1"), nic("eth0", "198.51.100.7"), nic("eth1", "192.0.2.2")};
  EXPECT_EQ(pick(list, Family::v4), "198.51.100.7");
}

TEST(PickAdvertiseIp, Rfc1918BoundariesExactly) {
  for (const char* inside : {"10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.254",
                             "192.168.0.1", "192.168.255.254"}) {
    EXPECT_EQ(pick({nic("eth0", "198.51.100.1"), nic("eth1", inside)}, Family::v4), inside);
  }
  for (const char* outside : {"172.15.255.254", "172.32.0.1", "192.169.0.1", "11.0.0.1"}) {
    EXPECT_EQ(pick({nic("eth0", outside), nic("eth1", "203.0.113.1")}, Family::v4), outside)
        << outside << " is not private, so the first global address wins";
  }
}

TEST(PickAdvertiseIp, NeverLoopbackWildcardLinkLocalOrMulticast) {
  const std::vector<InterfaceAddress> list = {
      loopback_nic("127.0.0.1"),  nic("eth0", "127.0.1.1"), nic("eth0", "0.0.0.0"),
      nic("eth0", "169.254.3.4"), nic("eth0", "224.0.0.1"), loopback_nic("10.9.9.9"),
      nic("eth0", "::1"),         nic("eth0", "fe80::1"),   nic("eth0", "::")};
  EXPECT_EQ(pick(list, Family::v4), std::nullopt);  // 10.9.9.9 is on a loopback interface
  EXPECT_EQ(pick(list, Family::v6), std::nullopt);
}

TEST(PickAdvertiseIp, Ipv6PrefersUniqueLocalAndKeepsToItsFamily) {
  const std::vector<InterfaceAddress> list = {
      nic("eth0", "10.0.0.5"), nic("eth0", "fe80::fc:ff:fe00:1"), nic("eth0", "2001:db8::7"),
      nic("eth0", "fd00::2"),  nic("eth0", "::ffff:10.0.0.6"),    loopback_nic("::1")};
  EXPECT_EQ(pick(list, Family::v6), "fd00::2");
  EXPECT_EQ(pick(list, Family::v4), "10.0.0.5");
  EXPECT_EQ(pick({nic("eth0", "2001:db8::7")}, Family::v6), "2001:db8::7");
}

TEST(AdvertiseForWildcard, NothingUsableIsTheClearError) {
  const std::vector<InterfaceAddress> only_loopback = {loopback_nic("127.0.0.1"),
                                                       loopback_nic("::1")};
  try {
    (void)advertise_for_wildcard(only_loopback, Family::v4, 7946);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::address_unavailable);
    EXPECT_STREQ(e.what(),
                 "bound to 0.0.0.0 but found no non-loopback IPv4 address to advertise; set the "
                 "advertise address (e.g. --advertise 10.0.0.5)");
  }
  try {
    (void)advertise_for_wildcard(only_loopback, Family::v6, 7946);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::address_unavailable);
    EXPECT_NE(std::string(e.what()).find("bound to ::"), std::string::npos) << e.what();
  }
  const std::vector<InterfaceAddress> one = {nic("eth0", "10.0.0.5")};
  EXPECT_EQ(advertise_for_wildcard(one, Family::v4, 7946), *Address::parse("10.0.0.5:7946"));
}

RC_GTEST_PROP(PickAdvertiseIp, PicksAUsableListedAddressAndPrivateWhenThereIsOne,
              (const std::vector<std::array<std::uint8_t, 4>>& v4s, bool loopback_first)) {
  std::vector<InterfaceAddress> list;
  for (const auto& bytes : v4s) {
    list.push_back({"eth", asio::ip::address_v4(bytes), loopback_first && list.empty()});
  }
  const auto picked = pick_advertise_ip(list, Family::v4);
  const auto is_private = [](const asio::ip::address_v4& ip) {
    const auto b = ip.to_bytes();
    return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168);
  };
  bool any_private = false;
  for (const auto& entry : list) {
    if (!entry.on_loopback_interface && is_private(entry.ip.to_v4())) any_private = true;
  }
  if (!picked) {
    RC_ASSERT(!any_private);
    return;
  }
  const auto found = std::find_if(list.begin(), list.end(), [&](const auto& e) {
    return e.ip == *picked && !e.on_loopback_interface;
  });
  RC_ASSERT(found != list.end());
  const auto b = picked->to_v4().to_bytes();
  RC_ASSERT(b[0] != 0 && b[0] != 127 && b[0] < 224 && !(b[0] == 169 && b[1] == 254));
  RC_ASSERT(is_private(picked->to_v4()) == any_private);
}

TEST(AdvertiseForHost, PrefersTheBindFamilyAndRefusesWhatCannotBeReached) {
  const std::vector<asio::ip::address> localhost = {asio::ip::make_address("::1"),
                                                    asio::ip::make_address("127.0.0.1")};
  EXPECT_EQ(advertise_for_host("localhost", localhost, Family::v4, 5),
            *Address::parse("127.0.0.1:5"));
  EXPECT_EQ(advertise_for_host("localhost", localhost, Family::v6, 5), *Address::parse("[::1]:5"));

  const auto refuses = [](const char* ip, Family family) {
    const std::vector<asio::ip::address> one = {asio::ip::make_address(ip)};
    try {
      (void)advertise_for_host(ip, one, family, 5);
    } catch (const Error& e) {
      return e.code() == ErrorCode::address_unavailable;
    }
    return false;
  };
  EXPECT_TRUE(refuses("0.0.0.0", Family::v4));
  EXPECT_TRUE(refuses("::", Family::v6));
  EXPECT_TRUE(refuses("239.1.2.3", Family::v4));
  EXPECT_TRUE(refuses("fd00::1", Family::v4));    // an IPv4 socket would never hear it
  EXPECT_FALSE(refuses("10.0.0.1", Family::v6));  // a dual-stack socket does
}

// On this machine: whatever getifaddrs offers decides between a concrete non-loopback address
// and the clear error; the Transport must agree with the pure function.
class WildcardBindOnThisMachine : public ::testing::TestWithParam<const char*> {};

TEST_P(WildcardBindOnThisMachine, AdvertisesWhatTheInterfacesOfferOrSaysWhy) {
  EventLoop loop;
  RecordingHandler handler;
  TransportOptions options;
  options.bind_host = GetParam();
  const asio::ip::address wildcard = asio::ip::make_address(GetParam());
  const Family family = wildcard.is_v4() ? Family::v4 : Family::v6;
  const auto expected = pick_advertise_ip(list_interface_addresses(), family);
  if (!expected) {
    try {
      Transport t(loop.io(), options, handler);
      FAIL() << "no usable interface address, yet advertised " << t.advertise_address().to_string();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::address_unavailable);
    }
    return;
  }
  Transport t(loop.io(), options, handler);
  const Address advertised = t.advertise_address();
  EXPECT_EQ(to_ip(advertised), *expected);
  EXPECT_EQ(advertised.port, t.local_address().port);
  EXPECT_FALSE(to_ip(advertised).is_loopback());
  EXPECT_FALSE(to_ip(advertised).is_unspecified());
  EXPECT_TRUE(to_ip(t.local_address()).is_unspecified());  // bound to the wildcard itself
}

INSTANTIATE_TEST_SUITE_P(V4AndV6, WildcardBindOnThisMachine, ::testing::Values("0.0.0.0", "::"));

}  // namespace
}  // namespace convoy::runtime
