// Logger: one host's log, through spdlog. A program that passes a LogSink receives every line
// through it (to route Convoy's logs into its own); otherwise lines go to stderr. Each host has
// its own logger object (none is registered globally), so many hosts in one process — tests,
// the simulator's neighbours — never share or fight over one.
#pragma once

#include <convoy/log.hpp>

#include <memory>
#include <string>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace convoy::runtime {

[[nodiscard]] std::shared_ptr<spdlog::logger> make_logger(const std::string& name, LogLevel level,
                                                          LogSink sink);

}  // namespace convoy::runtime
