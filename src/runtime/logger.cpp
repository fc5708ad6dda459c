// Logger: an spdlog sink that forwards formatted lines to the program's LogSink.
#include "runtime/logger.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace convoy::runtime {
namespace {

LogLevel ours(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return LogLevel::trace;
    case spdlog::level::debug:
      return LogLevel::debug;
    case spdlog::level::info:
      return LogLevel::info;
    case spdlog::level::warn:
      return LogLevel::warn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::error;
    default:
      return LogLevel::off;
  }
}

spdlog::level::level_enum theirs(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      break;
  }
  return spdlog::level::off;
}

/// Formats each record (without the trailing newline) and hands it to the program.
class ForwardingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ForwardingSink(LogSink to) : sink_(std::move(to)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string_view line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    try {
      sink_(ours(msg.level), line);
    } catch (...) {
      // A program's sink that throws must not take the protocol thread down.
    }
  }
  void flush_() override {}

 private:
  LogSink sink_;
};

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, LogLevel level, LogSink sink) {
  std::shared_ptr<spdlog::sinks::sink> out;
  if (sink) {
    out = std::make_shared<ForwardingSink>(std::move(sink));
  } else {
    out = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>(name, std::move(out));
  logger->set_level(theirs(level));
  logger->set_pattern(sink ? "%v" : "%Y-%m-%dT%H:%M:%S.%e %l %n: %v");
  return logger;
}

}  // namespace convoy::runtime
