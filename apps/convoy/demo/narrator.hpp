// Narrator: how the demo talks to the person watching. Each step is announced, then finished
// with a tick and how long it took; while a step waits, a progress line on a terminal says what
// it is waiting for ("3/4 agents see agent-5 dead, 2.1s"), rewritten in place. Without a
// terminal (a log, a test) only the step lines are printed, so the output stays readable.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace convoy::app {

class Narrator {
 public:
  using Clock = std::chrono::steady_clock;

  /// `tty`: whether `out` is a terminal (progress lines are shown only there).
  Narrator(std::ostream& out, bool tty);

  /// "[ 1.2s] step text ..." — starts a step.
  void step(const std::string& text);
  /// Rewrites the progress line (terminal only; throttled).
  void progress(const std::string& text);
  /// "         ✓ text (took 0.84s)" — the step happened.
  void done(const std::string& text);
  /// A plain line of narration, indented under the step.
  void say(const std::string& text);
  /// Seconds since the step started.
  [[nodiscard]] double step_seconds() const;
  /// Seconds since the demo started.
  [[nodiscard]] double total_seconds() const;

 private:
  void clear_progress();

  std::ostream& out_;
  bool tty_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point step_started_ = Clock::now();
  Clock::time_point last_progress_{};
  bool progress_shown_ = false;
};

}  // namespace convoy::app
