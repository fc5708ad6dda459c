// What a process costs, read from /proc: the CPU time of each of its threads (the scheduler's
// own nanosecond accounting in /proc/PID/task/TID/schedstat: /proc/PID/stat counts 10 ms clock
// ticks, and an idle agent uses about half a millisecond a second, so over a 20 s window the
// ticks rounded one agent in 64 to three times the mean) and resident memory (VmRSS from
// /proc/PID/status). For the demo's figures.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>

namespace convoy::app {

/// Nanoseconds each live thread has spent on a CPU, by thread id.
using ThreadTimes = std::map<long, std::chrono::nanoseconds>;

/// nullopt if the process is gone.
[[nodiscard]] std::optional<ThreadTimes> thread_times(pid_t pid);
/// CPU time used between two readings: each thread's growth. A thread started in between counts
/// from zero; one that ended in between loses its share (an idle agent starts and ends none).
[[nodiscard]] std::chrono::nanoseconds cpu_between(const ThreadTimes& before,
                                                   const ThreadTimes& after);
/// Resident memory in bytes.
[[nodiscard]] std::optional<std::size_t> resident_bytes(pid_t pid);

}  // namespace convoy::app
