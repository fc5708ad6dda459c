// "host:port" as people write it on a command line or in a config file: "0.0.0.0:7946",
// "node1.lan:7946", "[::1]:7947", or a bare host where the port has a default. Convoy's own
// Address::parse takes only IP literals with a port; bind and advertise addresses may be names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace convoy::app {

struct HostPort {
  std::string host;  ///< without brackets: "::1", "10.0.0.5", "node1.lan"; may be empty
  std::uint16_t port = 0;

  /// "host:port", bracketing an IPv6 host.
  [[nodiscard]] std::string to_string() const;
};

/// Parses "host:port", "[v6]:port", "host" or ":port" (a missing part takes its default).
/// nullopt when the port is not a number in 0..65535 or the text is malformed.
[[nodiscard]] std::optional<HostPort> parse_host_port(std::string_view text,
                                                      std::uint16_t default_port);

}  // namespace convoy::app
