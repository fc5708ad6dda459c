// AddressBook: the fast IPv4 path and the general fallback must agree with plain equality.
#include "sim/address_book.hpp"

#include "sim/addressing.hpp"

#include <gtest/gtest.h>

namespace convoy::sim {
namespace {

TEST(AddressBook, FindsWhatWasInserted) {
  AddressBook book;
  for (std::uint32_t i = 0; i < 70000; ++i) ASSERT_TRUE(book.insert(node_address(i), i));
  EXPECT_EQ(book.size(), 70000u);
  for (std::uint32_t i = 0; i < 70000; ++i) ASSERT_EQ(book.find(node_address(i)), i);
  EXPECT_FALSE(book.find(node_address(70000)).has_value());
  EXPECT_FALSE(book.insert(node_address(5), 99));
  EXPECT_EQ(book.find(node_address(5)), 5u);
}

TEST(AddressBook, PortAndFamilyAndStrayBytesDistinguish) {
  AddressBook book;
  const Address a = Address::v4(10, 0, 0, 1, 7946);
  Address other_port = a;
  other_port.port = 7947;
  Address v6 = a;
  v6.family = Address::Family::v6;
  Address stray = a;  // a malformed v4 with bytes past the fourth: not equal to `a`
  stray.ip[9] = 1;
  ASSERT_TRUE(book.insert(a, 1));
  EXPECT_FALSE(book.find(other_port).has_value());
  EXPECT_FALSE(book.find(v6).has_value());
  EXPECT_FALSE(book.find(stray).has_value());
  ASSERT_TRUE(book.insert(v6, 2));
  ASSERT_TRUE(book.insert(stray, 3));
  EXPECT_EQ(book.find(a), 1u);
  EXPECT_EQ(book.find(v6), 2u);
  EXPECT_EQ(book.find(stray), 3u);
}

}  // namespace
}  // namespace convoy::sim
