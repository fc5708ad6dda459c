// Address <-> Asio endpoints: see the header.
#include "runtime/address_endpoint.hpp"

#include <algorithm>

namespace convoy::runtime {

Address to_address(const asio::ip::address& ip, std::uint16_t port) {
  Address out;
  out.port = port;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return to_address(asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6()), port);
  }
  if (ip.is_v4()) {
    const auto bytes = ip.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.ip.begin());
    out.family = Address::Family::v4;
  } else {
    const auto bytes = ip.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.ip.begin());
    out.family = Address::Family::v6;
  }
  return out;
}

asio::ip::address to_ip(const Address& address) {
  if (address.family == Address::Family::v4) {
    asio::ip::address_v4::bytes_type bytes{};
    std::copy_n(address.ip.begin(), bytes.size(), bytes.begin());
    return asio::ip::address_v4(bytes);
  }
  asio::ip::address_v6::bytes_type bytes{};
  std::copy_n(address.ip.begin(), bytes.size(), bytes.begin());
  return asio::ip::address_v6(bytes);
}

}  // namespace convoy::runtime
