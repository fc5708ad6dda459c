// Timed socket I/O: see socket_io.hpp.
#include "http1/socket_io.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace convoy::app {

namespace {

/// Bytes in the socket's send queue not yet acknowledged by the peer.
int unsent_bytes(int fd) {
  int queued = 0;
  if (::ioctl(fd, SIOCOUTQ, &queued) != 0) return 0;
  return queued;
}

}  // namespace

IoStatus wait_for(int fd, short events, std::chrono::milliseconds timeout, int stop_fd) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const int n = ::poll(fds, stop_fd >= 0 ? 2 : 1,
                         static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoStatus::failed;
    }
    if (stop_fd >= 0 && (fds[1].revents & POLLIN) != 0) return IoStatus::stopped;
    // An error or hang-up is "ready" too: the read or write that follows says which it was.
    if (fds[0].revents != 0) return IoStatus::ok;
    if (n == 0 && Clock::now() >= deadline) return IoStatus::timed_out;
  }
}

IoResult receive(int fd, char* buffer, std::size_t capacity, std::chrono::milliseconds timeout,
                 int stop_fd) {
  for (;;) {
    const IoStatus waited = wait_for(fd, POLLIN, timeout, stop_fd);
    if (waited != IoStatus::ok) return {waited, 0, 0};
    const ssize_t n = ::recv(fd, buffer, capacity, MSG_DONTWAIT);
    if (n > 0) return {IoStatus::ok, static_cast<std::size_t>(n), 0};
    if (n == 0) return {IoStatus::closed, 0, 0};
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
    if (errno == ECONNRESET) return {IoStatus::closed, 0, errno};
    return {IoStatus::failed, 0, errno};
  }
}

IoResult send_all(int fd, std::string_view data, std::chrono::milliseconds timeout, int stop_fd) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n =
        ::send(fd, data.data() + sent, data.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      const bool gone = errno == EPIPE || errno == ECONNRESET;
      return {gone ? IoStatus::closed : IoStatus::failed, sent, errno};
    }
    // poll() says "writable" only once the send queue has drained to a third of the buffer,
    // which a peer with a small receive window reads its way to slowly. Any byte it took is
    // progress: the wait goes on while the queue shrinks, and ends when it stood still for all
    // of `timeout`.
    int queued = unsent_bytes(fd);
    for (;;) {
      const IoStatus waited = wait_for(fd, POLLOUT, timeout, stop_fd);
      if (waited == IoStatus::ok) break;
      const int now = unsent_bytes(fd);
      if (waited != IoStatus::timed_out || now >= queued) return {waited, sent, 0};
      queued = now;
    }
  }
  return {IoStatus::ok, sent, 0};
}

void set_no_delay(int fd) {
  const int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

int make_stop_fd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  return fd;
}

void signal_stop(int stop_fd) {
  const std::uint64_t one = 1;
  // Cannot fail short of a counter overflow, which would leave it readable anyway.
  [[maybe_unused]] const auto n = ::write(stop_fd, &one, sizeof one);
}

void clear_stop(int stop_fd) {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto n = ::read(stop_fd, &count, sizeof count);
}

}  // namespace convoy::app
