// `convoy watch`: the agent's event stream, one line per event as it happens (or the event's
// JSON with --json), until Ctrl-C.
#include "cli/commands.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace convoy::app {
namespace {

std::string local_time() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms));
  return buf;
}

std::string describe(const nlohmann::json& e) {
  const std::string kind = e.value("kind", "");
  const std::string member = e.value("member", "").substr(0, 8);
  if (kind == "key_set")
    return member + " " + e.value("key", "") + " = " + e.value("value", "") + " (version " +
           std::to_string(e.value("version", 0ULL)) + ")";
  if (kind == "key_deleted") return member + " " + e.value("key", "") + " deleted";
  if (kind == "overflow")
    return std::to_string(e.value("dropped", 0ULL)) + " events lost (this client fell behind)";
  std::string text = member + " " + e.value("address", "") + " incarnation " +
                     std::to_string(e.value("incarnation", 0ULL));
  if (e.contains("detail")) text += " (" + e.value("detail", "") + ")";
  return text;
}

}  // namespace

void run_watch(const CliContext& ctx, const WatchArgs& args) {
  std::string query = "?members=" + std::string(args.members ? "1" : "0") +
                      "&keys=" + std::string(args.keys ? "1" : "0");
  if (args.member) query += "&member=" + url_encode(*args.member);
  if (args.prefix) query += "&prefix=" + url_encode(*args.prefix);
  ctx.client.stream("/v1/events" + query, [&](const SseEvent& event) {
    if (ctx.json) {
      ctx.out << event.data << std::endl;  // flushed: a pipe reader sees it at once
      return true;
    }
    const auto e = nlohmann::json::parse(event.data, nullptr, false);
    if (e.is_discarded()) return true;
    char kind[24];
    std::snprintf(kind, sizeof kind, "%-15s", e.value("kind", "").c_str());
    ctx.out << local_time() << "  " << kind << " " << describe(e) << std::endl;
    return true;
  });
  throw CliFailure(kExitError, "the agent at " + ctx.client.address() + " ended the stream");
}

}  // namespace convoy::app
