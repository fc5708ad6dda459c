// Interface addresses: getifaddrs, walked once and freed by RAII.
#include "runtime/interface_addresses.hpp"

#include <convoy/error.hpp>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

namespace convoy::runtime {
namespace {

struct IfaddrsDeleter {
  void operator()(ifaddrs* list) const noexcept { freeifaddrs(list); }
};

}  // namespace

std::vector<InterfaceAddress> list_interface_addresses() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0) {
    throw Error(ErrorCode::io, "cannot list network interfaces (getifaddrs): " +
                                   std::generic_category().message(errno));
  }
  const std::unique_ptr<ifaddrs, IfaddrsDeleter> list(raw);
  std::vector<InterfaceAddress> out;
  for (const ifaddrs* it = list.get(); it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_UP) == 0) continue;
    InterfaceAddress entry;
    entry.interface_name = it->ifa_name != nullptr ? it->ifa_name : "";
    entry.on_loopback_interface = (it->ifa_flags & IFF_LOOPBACK) != 0;
    // memcpy rather than a cast: sockaddr is only guaranteed aligned for its own type.
    if (it->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin{};
      std::memcpy(&sin, it->ifa_addr, sizeof sin);
      asio::ip::address_v4::bytes_type bytes{};
      std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
      entry.ip = asio::ip::address_v4(bytes);
    } else if (it->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, it->ifa_addr, sizeof sin6);
      asio::ip::address_v6::bytes_type bytes{};
      std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
      entry.ip = asio::ip::address_v6(bytes, sin6.sin6_scope_id);
    } else {
      continue;  // AF_PACKET and friends: no IP
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace convoy::runtime
