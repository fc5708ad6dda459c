// TimerGrid: close deadlines stay exact; far ones move up to the next grid boundary, by less
// than one grid step, never earlier; deadlines of different hosts in one step meet.
#include "runtime/timer_grid.hpp"

#include <gtest/gtest.h>

namespace convoy::runtime {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

TEST(TimerGrid, CloseDeadlinesStayExact) {
  const Clock::time_point now(123'456'789ns);
  for (auto ahead : {0ns, 1ns, 3ms + 1ns, Clock::duration(TimerGrid::kCoalesceFrom) - 1ns}) {
    EXPECT_EQ(TimerGrid::arm_at(now + ahead, now), now + ahead) << ahead.count();
  }
  // Already due, or overdue: exact too.
  EXPECT_EQ(TimerGrid::arm_at(now - 5ms, now), now - 5ms);
}

TEST(TimerGrid, FarDeadlinesMoveUpToTheNextBoundaryByLessThanAStep) {
  const Clock::time_point now(7'000'000'001ns);
  const auto grid = Clock::duration(TimerGrid::kGrid);
  for (std::int64_t i = 0; i < 10'000; ++i) {
    const Clock::time_point deadline = now + 200ms + Clock::duration(i * 997);
    const Clock::time_point at = TimerGrid::arm_at(deadline, now);
    ASSERT_GE(at, deadline);
    ASSERT_LT(at - deadline, grid);
    ASSERT_EQ(at.time_since_epoch().count() % grid.count(), 0) << i;
  }
  // A deadline on a boundary stays there.
  const Clock::time_point on(Clock::duration(grid * 1'000'000));
  EXPECT_EQ(TimerGrid::arm_at(on, on - 1s), on);
}

TEST(TimerGrid, DeadlinesWithinOneStepMeet) {
  const Clock::time_point now(1s);
  const Clock::time_point base(Clock::duration(TimerGrid::kGrid) * 1000);
  const Clock::time_point a = TimerGrid::arm_at(base + 1ns, now);
  const Clock::time_point b =
      TimerGrid::arm_at(base + Clock::duration(TimerGrid::kGrid) - 1ns, now);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace convoy::runtime
