// EventLog: see event_log.hpp.
#include "agent/event_log.hpp"

#include "text/duration.hpp"

namespace convoy::app {
namespace {

std::string who(const Event& e) {
  return "member " + e.member.to_string().substr(0, 8) + " (" + e.address.to_string() + ")";
}

nlohmann::json fields_of(const Event& e) {
  nlohmann::json j = {{"event", std::string(to_string(e.kind))}, {"member", e.member.to_string()}};
  if (e.is_member_event() || e.is_self_event()) {
    j["incarnation"] = e.incarnation;
    j["address"] = e.address.to_string();
  }
  if (e.is_key_event()) {
    j["key"] = e.key;
    j["version"] = e.version;
  }
  if (!e.detail.empty()) j["detail"] = e.detail;
  if (e.kind == Event::Kind::overflow) j["dropped"] = e.dropped;
  return j;
}

}  // namespace

EventLog::EventLog(LogOutput& out, Clock::duration window, std::size_t burst)
    : out_(out), window_(window), burst_(burst) {}

EventLog::Line EventLog::describe(const Event& e) {
  using K = Event::Kind;
  const std::string inc = " (incarnation " + std::to_string(e.incarnation) + ")";
  Event::Kind previous = K::overflow;
  if (e.is_member_event()) {
    if (auto it = last_.find(e.member); it != last_.end()) previous = it->second;
    if (e.kind == K::member_reaped)
      last_.erase(e.member);
    else
      last_[e.member] = e.kind;
  }
  switch (e.kind) {
    case K::member_joined:
      return {LogLevel::info, "members joined", who(e) + " joined" + inc};
    case K::member_suspect:
      return {LogLevel::info, "members suspected", who(e) + " is suspected of failure" + inc};
    case K::member_alive:
      if (previous == K::member_dead || previous == K::member_left)
        return {LogLevel::info, "members rejoined", who(e) + " is back" + inc};
      return {LogLevel::info, "suspicions refuted", who(e) + " refuted a suspicion" + inc};
    case K::member_dead:
      return {LogLevel::info, "members declared dead", who(e) + " was declared dead" + inc};
    case K::member_left:
      return {LogLevel::info, "members left", who(e) + " left the cluster" + inc};
    case K::member_evicted:
      return {LogLevel::info, "members evicted", who(e) + " was evicted" + inc};
    case K::member_reaped:
      return {LogLevel::debug, "members forgotten", who(e) + " was forgotten (reaped)"};
    case K::key_set:
      return {LogLevel::debug, "keys set",
              "key '" + e.key + "' of member " + e.member.to_string().substr(0, 8) +
                  " set (version " + std::to_string(e.version) + ")"};
    case K::key_deleted:
      return {LogLevel::debug, "keys deleted",
              "key '" + e.key + "' of member " + e.member.to_string().substr(0, 8) + " deleted"};
    case K::joined:
      return {LogLevel::info, "joins", "joined the cluster as " + e.member.to_string() + inc};
    case K::join_failed:
      return {LogLevel::warn, "failed joins", "join failed: " + e.detail};
    case K::refuted:
      return {LogLevel::warn, "refutations",
              "this member was suspected or declared dead and refuted it" + inc};
    case K::rejoined:
      return {LogLevel::warn, "rejoins",
              "the cluster had declared this member dead; it rejoined with the same id and store" +
                  inc};
    case K::conflict:
      return {
          LogLevel::error, "id conflicts",
          "another process claims this member's id at " + e.address.to_string() + ": " + e.detail};
    case K::evicted:
      return {LogLevel::error, "evictions", "this member was evicted from the cluster"};
    case K::overflow:
      return {LogLevel::warn, "event losses",
              "the event log fell behind and lost " + std::to_string(e.dropped) + " events"};
  }
  return {LogLevel::info, "events", std::string(to_string(e.kind))};
}

void EventLog::on_event(const Event& event) {
  std::lock_guard lock(mutex_);
  const Line line = describe(event);
  if (!out_.enabled(line.level)) return;
  const auto now = Clock::now();
  Window& w = windows_[line.category];
  if (w.shown == 0 && w.suppressed == 0) w.start = now;
  if (now - w.start >= window_) {
    flush_window(line.category, w, now);
    w.start = now;
  }
  if (w.shown < burst_) {
    ++w.shown;
    out_.write(line.level, line.text, fields_of(event));
  } else {
    ++w.suppressed;
  }
}

void EventLog::flush_window(const std::string& category, Window& w, Clock::time_point now) {
  if (w.suppressed > 0) {
    out_.write(
        LogLevel::info,
        "... and " + std::to_string(w.suppressed) + " more " + category + " in the last " +
            format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - w.start)),
        {{"event", "summary"}, {"category", category}, {"count", w.suppressed}});
  }
  w = Window{};
}

void EventLog::tick(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (auto& [category, w] : windows_)
    if ((w.shown > 0 || w.suppressed > 0) && now - w.start >= window_)
      flush_window(category, w, now);
}

bool EventLog::summary_pending() {
  std::lock_guard lock(mutex_);
  for (const auto& [category, w] : windows_)
    if (w.suppressed > 0) return true;
  return false;
}

}  // namespace convoy::app
