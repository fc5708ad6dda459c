// Address resolution: see the header. IP literals never reach the resolver, so a seed list of
// plain addresses works on a machine with no DNS at all.
#include "runtime/address_resolution.hpp"

#include "runtime/address_endpoint.hpp"

#include <convoy/error.hpp>

#include <asio/ip/udp.hpp>

#include <algorithm>
#include <charconv>

namespace convoy::runtime {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::string_view strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

std::optional<HostPort> split_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  const auto p = parse_port(port);
  if (host.empty() || !p) return std::nullopt;
  return HostPort{std::string(host), *p};
}

std::vector<asio::ip::address> resolve_host(asio::io_context& io, std::string_view host) {
  const std::string_view bare = strip_brackets(host);
  std::error_code ec;
  const asio::ip::address literal = asio::ip::make_address(bare, ec);
  if (!ec) return {literal};
  if (bare.empty()) throw Error(ErrorCode::address_unavailable, "empty host name");
  asio::ip::udp::resolver resolver(io);
  // A numeric service keeps getaddrinfo from consulting the services database.
  const auto results = resolver.resolve(bare, "0", asio::ip::resolver_base::numeric_service, ec);
  std::vector<asio::ip::address> out;
  if (!ec) {
    for (const auto& entry : results) {
      const asio::ip::address ip = entry.endpoint().address();
      if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
    }
  }
  if (out.empty()) {
    throw Error(ErrorCode::address_unavailable, "host '" + std::string(host) +
                                                    "' does not resolve" +
                                                    (ec ? ": " + ec.message() : std::string()));
  }
  return out;
}

std::vector<Address> resolve_seed(asio::io_context& io, std::string_view host_port) {
  const auto split = split_host_port(host_port);
  if (!split) {
    throw Error(ErrorCode::invalid_argument,
                "seed '" + std::string(host_port) +
                    "' is not host:port, 1.2.3.4:port or [v6]:port with a port in 1..65535");
  }
  std::vector<Address> out;
  for (const asio::ip::address& ip : resolve_host(io, split->host)) {
    const Address a = to_address(ip, split->port);
    // Mapped and plain forms of one IPv4 address collapse into one entry here.
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

}  // namespace convoy::runtime
