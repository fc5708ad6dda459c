// PortPicker: see free_port.hpp.
#include "demo/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

}  // namespace

std::uint16_t PortPicker::pick() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    Socket tcp(SOCK_STREAM);
    const std::uint16_t port = tcp.bind_loopback(0);
    if (port == 0 || given_.count(port) > 0) continue;
    Socket udp(SOCK_DGRAM);
    if (udp.bind_loopback(port) != port) continue;
    given_.insert(port);
    return port;
  }
  throw std::runtime_error("no free port on 127.0.0.1");
}

}  // namespace convoy::app
