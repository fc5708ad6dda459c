// PortPicker: see free_port.hpp.
#include "demo/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace convoy::app {
namespace {

/// A socket closed when it goes out of scope.
class Socket {
 public:
  explicit Socket(int type) : fd_(::socket(AF_INET, type, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  /// Binds 127.0.0.1:port (0: any); the port bound, or 0 on failure.
  std::uint16_t bind_loopback(std::uint16_t port) {
    if (fd_ < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return 0;
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
    return ntohs(addr.sin_port);
  }

 private:
  int fd_;
};

/// The first port of the kernel's ephemeral range (32768 when it cannot be read).
std::uint16_t ephemeral_start() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  if (in >> low && low > 2048 && low <= 65535) return static_cast<std::uint16_t>(low);
  return 32768;
}

}  // namespace

std::uint16_t PortPicker::pick() {
  const std::uint16_t end = ephemeral_start();
  const std::uint16_t begin = end > 12000 ? 10000 : 1024;
  std::uniform_int_distribution<unsigned> in_range(begin, end - 1u);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    // Below the ephemeral range while it has room, then anywhere the kernel picks.
    const auto wanted = attempt < 900 ? static_cast<std::uint16_t>(in_range(random_)) : 0;
    Socket tcp(SOCK_STREAM);
    const std::uint16_t port = tcp.bind_loopback(wanted);
    if (port == 0 || given_.count(port) > 0) continue;
    Socket udp(SOCK_DGRAM);
    if (udp.bind_loopback(port) != port) continue;
    given_.insert(port);
    return port;
  }
  throw std::runtime_error("no free port on 127.0.0.1");
}

}  // namespace convoy::app
