// Address: text <-> value conversion for endpoints. Kept out of the header so that only this file
// pulls in the socket headers that provide inet_pton/inet_ntop.
#include <convoy/address.hpp>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace convoy {
namespace {

// Decimal port, 0..65535. from_chars alone would accept a partial parse; requiring it to consume
// every character rejects signs, spaces and trailing junk.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// inet_pton wants a NUL-terminated string; `text` is a view into the caller's buffer.
bool parse_ip(int af, std::string_view text, void* out) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  return inet_pton(af, buf, out) == 1;
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text) {
  Address addr;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    // "[v6]:port": brackets are mandatory, since the port separator is also the v6 separator.
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    addr.family = Family::v6;
    if (!parse_ip(AF_INET6, host, addr.ip.data())) return std::nullopt;
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    addr.family = Family::v4;
    if (!parse_ip(AF_INET, host, addr.ip.data())) return std::nullopt;
  }
  const auto p = parse_port(port);
  if (!p) return std::nullopt;
  addr.port = *p;
  return addr;
}

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = family == Family::v4 ? AF_INET : AF_INET6;
  // Cannot fail: the family is valid and the buffer is large enough for either form.
  inet_ntop(af, ip.data(), buf, sizeof buf);
  std::string out;
  if (family == Family::v6) {
    out.reserve(std::strlen(buf) + 8);
    out += '[';
    out += buf;
    out += ']';
  } else {
    out = buf;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace convoy
