// TransportOptions: the limits validate() enforces, and why each exists.
#include "runtime/transport_options.hpp"

#include "runtime/frame.hpp"

#include <convoy/error.hpp>

namespace convoy::runtime {
namespace {

// Deadlines are computed as now + timeout on steady_clock; a day keeps that far from overflow
// and is longer than any sensible network timeout.
constexpr std::chrono::milliseconds longest_timeout = std::chrono::hours(24);

void check_timeout(std::chrono::milliseconds value, const char* field) {
  if (value <= std::chrono::milliseconds::zero() || value > longest_timeout) {
    throw Error(ErrorCode::invalid_config, std::string("TransportOptions.") + field + " is " +
                                               std::to_string(value.count()) +
                                               " ms; it must be between 1 ms and 24 h");
  }
}

}  // namespace

void validate(const TransportOptions& o) {
  // 65,535 is the largest UDP payload field; nothing above it can ever arrive.
  if (o.max_datagram == 0 || o.max_datagram > 65535) {
    throw Error(ErrorCode::invalid_config, "TransportOptions.max_datagram is " +
                                               std::to_string(o.max_datagram) +
                                               "; it must be between 1 and 65535");
  }
  if (o.max_frame > max_encodable_frame) {
    throw Error(ErrorCode::invalid_config,
                "TransportOptions.max_frame is " + std::to_string(o.max_frame) +
                    "; the 4-byte length prefix cannot express more than 4294967295");
  }
  if (o.max_connections == 0) {
    throw Error(ErrorCode::invalid_config,
                "TransportOptions.max_connections is 0; no stream message could ever be sent");
  }
  if (o.max_queued_bytes < o.max_frame + frame_header_size) {
    throw Error(ErrorCode::invalid_config,
                "TransportOptions.max_queued_bytes (" + std::to_string(o.max_queued_bytes) +
                    ") is less than max_frame + 4 (" +
                    std::to_string(o.max_frame + frame_header_size) +
                    "); a message of max_frame bytes could never be queued");
  }
  check_timeout(o.connect_timeout, "connect_timeout");
  check_timeout(o.io_timeout, "io_timeout");
  check_timeout(o.idle_timeout, "idle_timeout");
}

}  // namespace convoy::runtime
