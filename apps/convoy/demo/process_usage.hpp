// What a process costs, read from /proc: CPU time (utime + stime from /proc/PID/stat, in clock
// ticks, so a measurement needs a window of seconds to be precise) and resident memory (VmRSS
// from /proc/PID/status). For the demo's and scripts/compare-serf's figures.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>

namespace convoy::app {

/// CPU time the process has used so far (all its threads, exited ones included).
[[nodiscard]] std::optional<std::chrono::nanoseconds> cpu_time(pid_t pid);
/// Resident memory in bytes.
[[nodiscard]] std::optional<std::size_t> resident_bytes(pid_t pid);

}  // namespace convoy::app
