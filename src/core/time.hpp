// Time in the core: a monotonic count of nanoseconds chosen by the driver. The real runtime maps
// steady_clock onto it; the simulator's virtual clock is it. The core never reads a clock.
#pragma once

#include <chrono>

namespace convoy::core {

using Duration = std::chrono::nanoseconds;

/// The engine's time base. It has the members the standard's Clock requirements name, so that
/// std::chrono::time_point may be built on it, but now() is declared and never defined: the
/// engine is handed the time with every call, and a call to now() anywhere fails to link.
struct EngineClock {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<EngineClock, Duration>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

/// Nanoseconds since an epoch the driver picks. Only differences are meaningful.
using TimePoint = EngineClock::time_point;

/// "Never": the deadline of a component with nothing scheduled.
inline constexpr TimePoint kNever = TimePoint::max();

}  // namespace convoy::core
