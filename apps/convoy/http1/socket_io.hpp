// Timed, interruptible socket I/O for the HTTP server and client. Every wait is a poll() on the
// socket and on a "stop" descriptor (an eventfd that its owner makes readable to end every wait
// at once), so a stalled peer costs at most its timeout and a stop() never waits for one. The
// descriptors stay in blocking mode for the kernel but are always read and written with
// MSG_DONTWAIT after a poll: a wakeup that finds nothing (or no room) waits again.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace convoy::app {

/// How a wait or a transfer ended.
enum class IoStatus { ok, closed, timed_out, stopped, failed };

struct IoResult {
  IoStatus status = IoStatus::ok;
  std::size_t bytes = 0;  ///< received (receive) or sent (send_all)
  int error = 0;          ///< errno when failed
};

/// Waits until `fd` has `events` (POLLIN, POLLOUT), at most `timeout`. `stop_fd` (or -1) ends
/// the wait as soon as it is readable.
[[nodiscard]] IoStatus wait_for(int fd, short events, std::chrono::milliseconds timeout,
                                int stop_fd);

/// Reads what arrives next (up to `capacity` bytes), waiting at most `timeout` for it. `closed`
/// when the peer ended the connection.
[[nodiscard]] IoResult receive(int fd, char* buffer, std::size_t capacity,
                               std::chrono::milliseconds timeout, int stop_fd);

/// Sends all of `data`. A peer that reads slowly but steadily is served; one that took nothing
/// for `timeout` (its unacknowledged bytes did not shrink) is given up on.
[[nodiscard]] IoResult send_all(int fd, std::string_view data, std::chrono::milliseconds timeout,
                                int stop_fd);

/// Turns Nagle's algorithm off: a response's head and body, or a request sent in two writes,
/// must not wait for the peer's delayed ack.
void set_no_delay(int fd);

/// A new eventfd, for the stop descriptor; throws std::system_error.
[[nodiscard]] int make_stop_fd();
/// Makes `stop_fd` readable for good: every wait on it ends.
void signal_stop(int stop_fd);
/// Makes `stop_fd` unreadable again (a client reused after stop()).
void clear_stop(int stop_fd);

}  // namespace convoy::app
