// "host:port" parsing: see host_port.hpp.
#include "text/host_port.hpp"

#include <charconv>

namespace convoy::app {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 65535)
    return {};
  return static_cast<std::uint16_t>(value);
}

bool plausible_host(std::string_view host) {
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string HostPort::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<HostPort> parse_host_port(std::string_view text, std::uint16_t default_port) {
  HostPort out;
  out.port = default_port;
  if (text.empty()) return {};
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return {};
    out.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return {};
      auto port = parse_port(rest.substr(1));
      if (!port) return {};
      out.port = *port;
    }
    if (out.host.empty() || !plausible_host(out.host)) return {};
    return out;
  }
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') != colon) {
    // Several colons and no brackets: a bare IPv6 address without a port, or nothing.
    for (char c : text.substr(0, text.find('%')))  // after '%': a zone ("fe80::1%eth0")
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
            c == ':' || c == '.'))
        return {};
    out.host = std::string(text);
  } else if (colon != std::string_view::npos) {
    out.host = std::string(text.substr(0, colon));
    auto port = parse_port(text.substr(colon + 1));
    if (!port) return {};
    out.port = *port;
  } else {
    out.host = std::string(text);
  }
  if (!plausible_host(out.host)) return {};
  return out;
}

}  // namespace convoy::app
