// Address resolution: host names and "host:port" text -> IP addresses, through the system
// resolver. Separate from the transport because seeds need it too, and seeds given as names must
// be resolved again on every join attempt (a seed's DNS record may change while a member waits
// to join), so resolve_seed() never caches.
#pragma once

#include "runtime/asio_config.hpp"

#include <convoy/address.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::runtime {

struct HostPort {
  std::string host;  ///< without brackets
  std::uint16_t port = 0;
};

/// Splits "host:port", "1.2.3.4:5" or "[::1]:5". nullopt for an empty host, a missing, zero or
/// non-decimal port, or an unbracketed IPv6 literal (its colons make the port ambiguous).
[[nodiscard]] std::optional<HostPort> split_host_port(std::string_view text);

/// The addresses of `host`: an IP literal (brackets allowed) as is, a name through the system
/// resolver, in its order of preference, duplicates removed. BLOCKS the calling thread for as
/// long as the resolver takes. Throws convoy::Error(address_unavailable) if nothing resolves.
[[nodiscard]] std::vector<asio::ip::address> resolve_host(asio::io_context& io,
                                                          std::string_view host);

/// A seed's addresses, resolved afresh on every call ("host:port", "1.2.3.4:5", "[::1]:5").
/// Throws convoy::Error(invalid_argument) for text that is not such an endpoint, and
/// convoy::Error(address_unavailable) for a name that does not resolve now. BLOCKS like
/// resolve_host(): run it off the io thread if the resolver may be slow.
[[nodiscard]] std::vector<Address> resolve_seed(asio::io_context& io, std::string_view host_port);

}  // namespace convoy::runtime
