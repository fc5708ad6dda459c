// TimerGrid: where a host's protocol timer is actually armed. A deadline far enough ahead is
// rounded up to the next boundary of a grid on the steady clock, shared by every host of the
// process: the timers of hosts sharing one loop (EventLoop), and a host's own timers that fall
// close together, then expire in one wakeup instead of one each. On a virtual machine a wakeup
// costs tens of microseconds of kernel time, more than the protocol work it wakes for; 128
// members probing every 200 ms set about 640 random deadlines a second.
//
// Only deadlines at least kCoalesceFrom away move, by less than kGrid: probe periods, timeouts
// and sync rounds are hundreds of milliseconds and do not notice; a deadline that is close
// (a reply, a retransmission due now) is kept exact, so nothing that is fast gets slower.
#pragma once

#include <chrono>

namespace convoy::runtime {

struct TimerGrid {
  static constexpr std::chrono::milliseconds kGrid{4};
  static constexpr std::chrono::milliseconds kCoalesceFrom{25};

  /// When to arm a timer for `deadline`, at `now`: `deadline` itself if it is close, else the
  /// first grid boundary at or after it.
  [[nodiscard]] static std::chrono::steady_clock::time_point arm_at(
      std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now) {
    if (deadline - now < kCoalesceFrom) return deadline;
    using Clock = std::chrono::steady_clock;
    const auto grid = std::chrono::duration_cast<Clock::duration>(kGrid).count();
    const auto since = deadline.time_since_epoch().count();
    // Steady clock time is positive on Linux (time since boot); floor division keeps this
    // right for a negative one anyway.
    auto boundary = since / grid * grid;
    if (boundary < since) boundary += grid;
    return Clock::time_point(Clock::duration(boundary));
  }
};

}  // namespace convoy::runtime
