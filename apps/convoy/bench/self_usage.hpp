// SelfUsage: the CPU time and context switches this whole process (the benchmark) used, read
// from the kernel (getrusage, in microseconds), so a window's cost is the difference of two
// readings. It counts every thread: the hosts' io and dispatcher threads and the benchmark's
// own, exited ones included.
#pragma once

#include <chrono>
#include <cstdint>

namespace convoy::app {

struct SelfUsage {
  std::chrono::nanoseconds cpu{0};  ///< user + system
  std::uint64_t voluntary_switches = 0;
  std::uint64_t involuntary_switches = 0;

  [[nodiscard]] static SelfUsage now();
};

[[nodiscard]] SelfUsage operator-(const SelfUsage& a, const SelfUsage& b);

}  // namespace convoy::app
