// Advertise address: see the header for the rules; this file classifies addresses for them.
#include "runtime/advertise_address.hpp"

#include "runtime/address_endpoint.hpp"
#include "runtime/address_resolution.hpp"

#include <convoy/error.hpp>

#include <algorithm>
#include <vector>

namespace convoy::runtime {
namespace {

enum class Tier : std::uint8_t { unusable, global, private_network };

Tier classify_v4(const asio::ip::address_v4& ip) {
  const auto b = ip.to_bytes();
  // 0/8 "this network", 127/8 loopback, 169.254/16 link-local, 224/4 multicast, 240/4 reserved
  // and broadcast: none of them reaches this machine from another one.
  if (b[0] == 0 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || b[0] >= 224) {
    return Tier::unusable;
  }
  if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)) {
    return Tier::private_network;
  }
  return Tier::global;
}

Tier classify_v6(const asio::ip::address_v6& ip) {
  if (ip.is_unspecified() || ip.is_loopback() || ip.is_link_local() || ip.is_multicast() ||
      ip.is_v4_mapped() || ip.is_site_local()) {
    return Tier::unusable;
  }
  if ((ip.to_bytes()[0] & 0xFE) == 0xFC) return Tier::private_network;  // ULA, fc00::/7
  return Tier::global;
}

Tier classify(const InterfaceAddress& candidate, Address::Family family) {
  if (candidate.on_loopback_interface) return Tier::unusable;
  if (family == Address::Family::v4) {
    return candidate.ip.is_v4() ? classify_v4(candidate.ip.to_v4()) : Tier::unusable;
  }
  return candidate.ip.is_v6() ? classify_v6(candidate.ip.to_v6()) : Tier::unusable;
}

Address::Family family_of(const asio::ip::address& ip) {
  return ip.is_v4() ? Address::Family::v4 : Address::Family::v6;
}

}  // namespace

std::optional<asio::ip::address> pick_advertise_ip(std::span<const InterfaceAddress> interfaces,
                                                   Address::Family family) {
  std::optional<asio::ip::address> global;
  for (const InterfaceAddress& candidate : interfaces) {
    switch (classify(candidate, family)) {
      case Tier::private_network:
        return candidate.ip;
      case Tier::global:
        if (!global) global = candidate.ip;
        break;
      case Tier::unusable:
        break;
    }
  }
  return global;
}

Address advertise_for_wildcard(std::span<const InterfaceAddress> interfaces, Address::Family family,
                               std::uint16_t port) {
  if (const auto ip = pick_advertise_ip(interfaces, family)) return to_address(*ip, port);
  if (family == Address::Family::v4) {
    throw Error(ErrorCode::address_unavailable,
                "bound to 0.0.0.0 but found no non-loopback IPv4 address to advertise; set the "
                "advertise address (e.g. --advertise 10.0.0.5)");
  }
  throw Error(ErrorCode::address_unavailable,
              "bound to :: but found no non-loopback, non-link-local IPv6 address to advertise; "
              "set the advertise address (e.g. --advertise fd00::5)");
}

Address advertise_for_host(std::string_view host, std::span<const asio::ip::address> resolved,
                           Address::Family bind_family, std::uint16_t port) {
  if (resolved.empty()) {
    throw Error(ErrorCode::address_unavailable,
                "advertise host '" + std::string(host) + "' resolves to no address");
  }
  const auto same_family = std::find_if(resolved.begin(), resolved.end(), [&](const auto& ip) {
    return family_of(ip) == bind_family;
  });
  const asio::ip::address ip = same_family != resolved.end() ? *same_family : resolved.front();
  const Address chosen = to_address(ip, port);
  if (ip.is_unspecified() || ip.is_multicast()) {
    throw Error(ErrorCode::address_unavailable,
                "advertise host '" + std::string(host) + "' is " + to_ip(chosen).to_string() +
                    ", which no other member can send to; give a concrete address");
  }
  if (chosen.family == Address::Family::v6 && bind_family == Address::Family::v4) {
    throw Error(ErrorCode::address_unavailable,
                "advertise host '" + std::string(host) +
                    "' has only IPv6 addresses but the "
                    "transport is bound to IPv4; bind an IPv6 address or advertise an IPv4 one");
  }
  return chosen;
}

Address choose_advertise_address(asio::io_context& io,
                                 const std::optional<std::string>& advertise_host,
                                 const asio::ip::address& bound_ip, std::uint16_t port) {
  const Address::Family family = family_of(bound_ip);
  if (advertise_host) {
    const std::vector<asio::ip::address> resolved = resolve_host(io, *advertise_host);
    return advertise_for_host(*advertise_host, resolved, family, port);
  }
  if (!bound_ip.is_unspecified()) return to_address(bound_ip, port);
  return advertise_for_wildcard(list_interface_addresses(), family, port);
}

}  // namespace convoy::runtime
