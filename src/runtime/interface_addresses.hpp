// Interface addresses: the machine's own IP addresses, as getifaddrs reports them. The one
// place that asks the operating system; everything that decides what to do with the list
// (advertise_address.hpp) is pure and tested with invented lists.
#pragma once

#include "runtime/asio_config.hpp"

#include <asio/ip/address.hpp>

#include <string>
#include <vector>

namespace convoy::runtime {

struct InterfaceAddress {
  std::string interface_name;  ///< "eth0", "lo", ...
  asio::ip::address ip;
  /// The interface is a loopback device. Not the same as ip.is_loopback(): addresses can be put
  /// on "lo" (service VIPs) and are still unreachable from other machines as a member address.
  bool on_loopback_interface = false;
};

/// Addresses of interfaces that are up, IPv4 and IPv6, in the kernel's order. Throws
/// convoy::Error(io) if the list cannot be read.
[[nodiscard]] std::vector<InterfaceAddress> list_interface_addresses();

}  // namespace convoy::runtime
