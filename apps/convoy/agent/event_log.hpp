// EventLog: tells the operator what happens in the cluster — joins, suspicions, deaths,
// rejoins, departures — one line each at info level, from the directory's events. Bursts are
// aggregated: past a few lines of one kind within a window, further ones are counted and summed
// up in one line when the window closes ("... and 58 more members joined in the last 1.0s"), so
// a 1,000-member cluster forming or a flapping member cannot flood the log.
//
// on_event() is called on Convoy's subscription thread; tick() by the agent's main loop to close
// windows. Both take one small lock.
#pragma once

#include "agent/log_output.hpp"

#include <convoy/event.hpp>
#include <convoy/member_id.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace convoy::app {

class EventLog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventLog(LogOutput& out, Clock::duration window = std::chrono::seconds(1),
                    std::size_t burst = 5);

  void on_event(const Event& event);
  /// Writes the summary of every window that has closed.
  void tick(Clock::time_point now = Clock::now());
  /// Whether a window holds lines not shown yet, that a tick() will summarize.
  [[nodiscard]] bool summary_pending();

 private:
  struct Window {
    Clock::time_point start{};
    std::size_t shown = 0;
    std::size_t suppressed = 0;
  };
  struct Line {
    LogLevel level = LogLevel::info;
    std::string category;  // aggregation key and the summary's noun phrase
    std::string text;
  };

  [[nodiscard]] Line describe(const Event& event);
  void flush_window(const std::string& category, Window& w, Clock::time_point now);

  LogOutput& out_;
  Clock::duration window_;
  std::size_t burst_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;
  /// The last event kind heard of each member, to tell a refutation from a rejoin.
  std::unordered_map<MemberId, Event::Kind> last_;
};

}  // namespace convoy::app
