// Time in the core: a monotonic count of nanoseconds chosen by the driver. The real runtime maps
// steady_clock onto it; the simulator's virtual clock is it. The core never reads a clock.
#pragma once

#include <chrono>

namespace convoy::core {

using Duration = std::chrono::nanoseconds;

/// Nanoseconds since an epoch the driver picks. Only differences are meaningful.
struct TimeTag {};
using TimePoint = std::chrono::time_point<TimeTag, Duration>;

}  // namespace convoy::core

namespace std::chrono {
// Lets TimePoint use the standard time_point machinery; the core never calls now().
template <>
struct is_clock<convoy::core::TimeTag> : std::false_type {};
}  // namespace std::chrono
