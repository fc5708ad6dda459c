// Schedule files: a FaultSchedule as JSON, both ways. The format is documented in
// docs/schedules.md. Reading is strict — an unknown field, a wrong type or a value out of range
// is refused with a message that names the field ("actions[3].member: 70 is out of range
// (members: 64)") — because a schedule that silently means something else than its author
// wrote would test something else too. Writing gives one action per line, so a failing schedule
// printed by the property test can be read, diffed and saved as a file for replay.
#pragma once

#include "core/time.hpp"
#include "sim/fault_schedule.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace convoy::sim {

/// A schedule that could not be read; what() is one line naming the field and the problem.
class ScheduleFileError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Parses and validates a schedule. Throws ScheduleFileError.
[[nodiscard]] FaultSchedule parse_schedule(std::string_view json);
/// Reads and parses the file at `path`. Throws ScheduleFileError ("PATH: actions[0].at: ...").
[[nodiscard]] FaultSchedule load_schedule(const std::string& path);

/// The schedule as JSON that parse_schedule reads back to an equal schedule.
[[nodiscard]] std::string to_json(const FaultSchedule& schedule);

/// "90s", "250ms", "1500us": the largest unit that shows `d` exactly.
[[nodiscard]] std::string duration_text(core::Duration d);
/// Parses "90s", "250ms", "2m", "1.5s", "500us", "1h"; nullopt if `text` is none of these.
[[nodiscard]] std::optional<core::Duration> parse_duration_text(std::string_view text);

}  // namespace convoy::sim
