// Error: how Convoy reports what went wrong. Operations that cannot do their job throw
// convoy::Error carrying a code a program can branch on and a one-line message a person can act
// on ("data dir /var/lib/convoy is held by process 4121; stop it or pick another --data-dir").
// Outcomes that are part of normal operation are results, never exceptions: a compare-and-set
// whose expected version does not match is a WriteStatus::conflict, an unknown member is an
// empty optional.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace convoy {

enum class ErrorCode : std::uint8_t {
  invalid_config,       ///< a Config or option field is out of range or contradicts another
  invalid_argument,     ///< a key, value, id or address passed by the caller is unusable
  address_unavailable,  ///< cannot bind, or no reachable address to advertise
  join_failed,          ///< no seed answered within the join's time budget
  data_dir_locked,      ///< another process holds the data dir
  data_dir_damaged,     ///< the data dir's files are unreadable or inconsistent
  data_dir_foreign,     ///< the data dir holds something that is not Convoy's
  data_dir_newer,       ///< the data dir was written by a newer, unknown format version
  io,                   ///< the operating system or the storage engine failed
  not_running,          ///< the host has shut down, left, or been evicted
};

/// "invalid_config", "join_failed", ...: stable names for logs and JSON.
[[nodiscard]] constexpr std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_config:
      return "invalid_config";
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::address_unavailable:
      return "address_unavailable";
    case ErrorCode::join_failed:
      return "join_failed";
    case ErrorCode::data_dir_locked:
      return "data_dir_locked";
    case ErrorCode::data_dir_damaged:
      return "data_dir_damaged";
    case ErrorCode::data_dir_foreign:
      return "data_dir_foreign";
    case ErrorCode::data_dir_newer:
      return "data_dir_newer";
    case ErrorCode::io:
      return "io";
    case ErrorCode::not_running:
      return "not_running";
  }
  return "unknown";
}

/// Thrown by operations that cannot do their job. what() is the one-line message.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace convoy
