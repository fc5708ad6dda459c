// Address <-> Asio endpoints. convoy::Address is the protocol's fixed-size value; Asio has its
// own types. The conversion also owns one rule that must be applied everywhere or nowhere: a
// dual-stack IPv6 socket reports IPv4 peers as IPv4-mapped IPv6 (::ffff:1.2.3.4), and such an
// address is turned back into plain IPv4, or one member would appear under two addresses.
#pragma once

#include "runtime/asio_config.hpp"

#include <convoy/address.hpp>

#include <asio/ip/address.hpp>
#include <asio/ip/basic_endpoint.hpp>

#include <cstdint>
#include <optional>

namespace convoy::runtime {

/// IPv4-mapped IPv6 becomes IPv4; everything else keeps its family. IPv6 scope ids are lost
/// (Address has none), which is why link-local addresses are never advertised.
[[nodiscard]] Address to_address(const asio::ip::address& ip, std::uint16_t port);

[[nodiscard]] asio::ip::address to_ip(const Address& address);

template <typename Protocol>
[[nodiscard]] Address to_address(const asio::ip::basic_endpoint<Protocol>& endpoint) {
  return to_address(endpoint.address(), endpoint.port());
}

/// The endpoint a socket of `protocol` uses to reach `to`: an IPv6 socket reaches IPv4 through
/// the mapped form (it works when the socket is dual-stack, and fails as a send error when not).
/// nullopt when the families cannot meet: an IPv4 socket and a true IPv6 destination.
template <typename Protocol>
[[nodiscard]] std::optional<asio::ip::basic_endpoint<Protocol>> endpoint_for(
    const Protocol& protocol, const Address& to) {
  const asio::ip::address ip = to_ip(to);
  if (protocol.family() == Protocol::v6().family() && ip.is_v4()) {
    return asio::ip::basic_endpoint<Protocol>(
        asio::ip::make_address_v6(asio::ip::v4_mapped, ip.to_v4()), to.port);
  }
  if (protocol.family() == Protocol::v4().family() && ip.is_v6()) return std::nullopt;
  return asio::ip::basic_endpoint<Protocol>(ip, to.port);
}

}  // namespace convoy::runtime
