// name_this_thread(): gives the calling thread a name that `top -H`, `ps -L`, perf and gdb show
// ("convoy-io", "convoy-events"), so that an operator can tell which of a member's threads spends
// the CPU. Best effort: Linux keeps at most 15 characters, and a failure changes nothing.
#pragma once

#include <string_view>

namespace convoy::runtime {

void name_this_thread(std::string_view name);

}  // namespace convoy::runtime
