// Advertise address: the one address other members are told to use for us. Getting it wrong is
// a classic gossip failure (a wildcard advertised as-is, or loopback picked by accident, makes
// every other member fail to reach us, suspect us and flap), so the rules live here, in pure
// functions over an invented interface list that tests can cover exhaustively:
//
//   - an advertise host given by the user: its address (one of the bind's family if it has
//     several), never a wildcard;
//   - else a concrete bind IP: that IP (loopback included: binding 127.0.0.1 is a local cluster);
//   - else (wildcard bind) from the machine's interfaces of the bind's family: the first private
//     address (RFC 1918, IPv6 ULA), else the first other usable one; never loopback, link-local
//     (Address carries no IPv6 scope), multicast or unspecified; if none, a clear error.
//
// The port is always the bound port.
#pragma once

#include "runtime/asio_config.hpp"
#include "runtime/interface_addresses.hpp"

#include <convoy/address.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace convoy::runtime {

/// The interface address a wildcard bind of `family` advertises, or nullopt if none qualifies.
[[nodiscard]] std::optional<asio::ip::address> pick_advertise_ip(
    std::span<const InterfaceAddress> interfaces, Address::Family family);

/// For a wildcard bind: pick_advertise_ip() with `port`, or convoy::Error(address_unavailable)
/// telling the user to set the advertise address.
[[nodiscard]] Address advertise_for_wildcard(std::span<const InterfaceAddress> interfaces,
                                             Address::Family family, std::uint16_t port);

/// For a user-given advertise host that resolved to `resolved`: the first address of the bind's
/// family, else the first address; convoy::Error(address_unavailable) if that is a wildcard or
/// multicast address, or if it is IPv6 while the bind is IPv4 (an IPv4 socket cannot hear it).
[[nodiscard]] Address advertise_for_host(std::string_view host,
                                         std::span<const asio::ip::address> resolved,
                                         Address::Family bind_family, std::uint16_t port);

/// The whole decision for a transport bound to `bound_ip`:`port`, asking the resolver and the
/// machine's interfaces only when the rules above need them.
[[nodiscard]] Address choose_advertise_address(asio::io_context& io,
                                               const std::optional<std::string>& advertise_host,
                                               const asio::ip::address& bound_ip,
                                               std::uint16_t port);

}  // namespace convoy::runtime
