// Schedule files: JSON <-> FaultSchedule. Each object is read through a Fields view that knows
// its path ("actions[2]"), so every message names the field it is about, and that remembers
// which keys were read, so a misspelt key is reported instead of ignored. Range rules shared
// with schedules built in code live in FaultSchedule::problem().
#include "sim/schedule_file.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace convoy::sim {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

[[noreturn]] void fail(const std::string& message) {
  throw ScheduleFileError(message);
}

/// A short rendering of a JSON value for messages: "\"16\"", "-1", "[...]".
std::string shown(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

/// One JSON object being read, with its path for messages.
class Fields {
 public:
  Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail(where() + "expected an object, got " + shown(object_));
  }

  /// Fails on the first key that was never asked for: a typo must not pass unnoticed.
  void finish() const {
    for (const auto& [key, value] : object_.items())
      if (!read_.contains(key)) fail(at(key) + ": unknown field");
  }

  [[nodiscard]] bool has(const std::string& key) const { return object_.contains(key); }

  [[nodiscard]] const Json& get(const std::string& key) {
    read_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end()) fail(at(key) + ": missing");
    return *it;
  }

  [[nodiscard]] std::uint64_t whole(const std::string& key, const std::string& what) {
    const Json& v = get(key);
    if (!v.is_number_unsigned()) fail(at(key) + ": expected " + what + ", got " + shown(v));
    return v.get<std::uint64_t>();
  }

  [[nodiscard]] MemberIndex member(const std::string& key, std::size_t members) {
    return member_value(get(key), at(key), members);
  }

  [[nodiscard]] std::vector<MemberIndex> members(const std::string& key, std::size_t members) {
    return member_list(get(key), at(key), members);
  }

  [[nodiscard]] double number(const std::string& key) {
    const Json& v = get(key);
    if (!v.is_number()) fail(at(key) + ": expected a number, got " + shown(v));
    return v.get<double>();
  }

  [[nodiscard]] core::Duration duration(const std::string& key) {
    const Json& v = get(key);
    if (v.is_number()) {
      const double s = v.get<double>();
      if (!std::isfinite(s) || std::abs(s) > 1e9) fail(at(key) + ": " + shown(v) + " is too large");
      return std::chrono::round<core::Duration>(std::chrono::duration<double>(s));
    }
    if (v.is_string())
      if (auto d = parse_duration_text(v.get<std::string>())) return *d;
    fail(at(key) +
         ": expected a duration (\"30s\", \"250ms\", \"2m\") or a number of seconds, got " +
         shown(v));
  }

  [[nodiscard]] std::string text(const std::string& key) {
    const Json& v = get(key);
    if (!v.is_string()) fail(at(key) + ": expected a string, got " + shown(v));
    return v.get<std::string>();
  }

  [[nodiscard]] std::string at(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  static MemberIndex member_value(const Json& v, const std::string& path, std::size_t members) {
    if (!v.is_number_unsigned())
      fail(path + ": expected a member index (a whole number from 0), got " + shown(v));
    const auto m = v.get<std::uint64_t>();
    if (m >= members)
      fail(path + ": " + std::to_string(m) +
           " is out of range (members: " + std::to_string(members) + ")");
    return static_cast<MemberIndex>(m);
  }

  static std::vector<MemberIndex> member_list(const Json& v, const std::string& path,
                                              std::size_t members) {
    if (!v.is_array()) fail(path + ": expected a list of member indices, got " + shown(v));
    std::vector<MemberIndex> out;
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(member_value(v[i], path + "[" + std::to_string(i) + "]", members));
    return out;
  }

 private:
  [[nodiscard]] std::string where() const { return path_.empty() ? "" : path_ + ": "; }

  const Json& object_;
  std::string path_;
  std::set<std::string> read_;
};

RestartMemory memory_of(Fields& f) {
  // Required: whether the member remembers its incarnation is the point of a restart.
  if (!f.has("memory")) fail(f.at("memory") + ": missing (\"kept\" or \"none\")");
  const std::string m = f.text("memory");
  if (m == "kept") return RestartMemory::kept;
  if (m == "none") return RestartMemory::none;
  fail(f.at("memory") + ": \"" + m + "\" is neither \"kept\" nor \"none\"");
}

Direction direction_of(Fields& f) {
  if (!f.has("direction")) return Direction::both;
  const std::string d = f.text("direction");
  if (d == "in") return Direction::inbound;
  if (d == "out") return Direction::outbound;
  if (d == "both") return Direction::both;
  fail(f.at("direction") + ": \"" + d + "\" is not \"in\", \"out\" or \"both\"");
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::inbound:
      return "in";
    case Direction::outbound:
      return "out";
    case Direction::both:
      return "both";
  }
  return "both";
}

action::Action read_action(Fields& f, const std::string& kind, std::size_t members) {
  if (kind == "crash") return action::Crash{f.member("member", members)};
  if (kind == "restart") {
    const MemberIndex m = f.member("member", members);
    return action::Restart{m, memory_of(f)};
  }
  if (kind == "pause") {
    const MemberIndex m = f.member("member", members);
    return action::Pause{m, f.duration("for")};
  }
  if (kind == "partition") {
    const Json& groups = f.get("groups");
    if (!groups.is_array())
      fail(f.at("groups") + ": expected a list of lists, got " + shown(groups));
    action::Partition p;
    for (std::size_t g = 0; g < groups.size(); ++g)
      p.groups.push_back(
          Fields::member_list(groups[g], f.at("groups[" + std::to_string(g) + "]"), members));
    return p;
  }
  if (kind == "partition_one_way") {
    std::vector<MemberIndex> from = f.members("from", members);
    return action::PartitionOneWay{std::move(from), f.members("to", members)};
  }
  if (kind == "isolate") {
    const MemberIndex m = f.member("member", members);
    return action::Isolate{m, direction_of(f)};
  }
  if (kind == "heal") return action::Heal{};
  if (kind == "loss") return action::Loss{f.number("probability")};
  if (kind == "link_loss") {
    const MemberIndex from = f.member("from", members);
    const MemberIndex to = f.member("to", members);
    return action::LinkLoss{from, to, f.number("probability")};
  }
  if (kind == "member_loss") {
    const MemberIndex m = f.member("member", members);
    return action::MemberLoss{m, f.number("probability")};
  }
  if (kind == "writes") {
    action::Writes w;
    w.rate_per_s = f.number("rate_per_s");
    w.length = f.duration("for");
    if (f.has("remote_share")) w.remote_share = f.number("remote_share");
    if (f.has("delete_share")) w.delete_share = f.number("delete_share");
    return w;
  }
  fail(f.at("action") + ": unknown action \"" + kind +
       "\" (one of crash, restart, pause, partition, partition_one_way, isolate, heal, loss, "
       "link_loss, member_loss, writes)");
}

void read_timings(const Json& v, ScheduleTimings& t) {
  Fields f(v, "timings");
  auto maybe = [&](const char* key, std::optional<core::Duration>& out) {
    if (f.has(key)) out = f.duration(key);
  };
  maybe("probe_period", t.probe_period);
  maybe("gossip_interval", t.gossip_interval);
  maybe("push_pull_interval", t.push_pull_interval);
  maybe("reconnect_interval", t.reconnect_interval);
  maybe("post_join_sync", t.post_join_sync);
  maybe("reap_after", t.reap_after);
  maybe("join_timeout", t.join_timeout);
  if (f.has("suspicion_mult")) t.suspicion_mult = f.number("suspicion_mult");
  maybe("store_sync_interval", t.store_sync_interval);
  maybe("tombstone_grace", t.tombstone_grace);
  maybe("write_timeout", t.write_timeout);
  f.finish();
}

OrderedJson timings_json(const ScheduleTimings& t) {
  OrderedJson j = OrderedJson::object();
  auto put = [&](const char* key, const std::optional<core::Duration>& d) {
    if (d) j[key] = duration_text(*d);
  };
  put("probe_period", t.probe_period);
  put("gossip_interval", t.gossip_interval);
  put("push_pull_interval", t.push_pull_interval);
  put("reconnect_interval", t.reconnect_interval);
  put("post_join_sync", t.post_join_sync);
  put("reap_after", t.reap_after);
  put("join_timeout", t.join_timeout);
  if (t.suspicion_mult) j["suspicion_mult"] = *t.suspicion_mult;
  put("store_sync_interval", t.store_sync_interval);
  put("tombstone_grace", t.tombstone_grace);
  put("write_timeout", t.write_timeout);
  return j;
}

OrderedJson action_json(const ScheduledAction& a) {
  OrderedJson j;
  j["at"] = duration_text(a.at);
  j["action"] = std::string(action_name(a.action));
  std::visit(Overloaded{[&](const action::Crash& c) { j["member"] = c.member; },
                        [&](const action::Restart& r) {
                          j["member"] = r.member;
                          j["memory"] = r.memory == RestartMemory::kept ? "kept" : "none";
                        },
                        [&](const action::Pause& p) {
                          j["member"] = p.member;
                          j["for"] = duration_text(p.length);
                        },
                        [&](const action::Partition& p) { j["groups"] = p.groups; },
                        [&](const action::PartitionOneWay& p) {
                          j["from"] = p.from;
                          j["to"] = p.to;
                        },
                        [&](const action::Isolate& i) {
                          j["member"] = i.member;
                          j["direction"] = std::string(direction_name(i.direction));
                        },
                        [&](const action::Heal&) {},
                        [&](const action::Loss& l) { j["probability"] = l.probability; },
                        [&](const action::LinkLoss& l) {
                          j["from"] = l.from;
                          j["to"] = l.to;
                          j["probability"] = l.probability;
                        },
                        [&](const action::MemberLoss& l) {
                          j["member"] = l.member;
                          j["probability"] = l.probability;
                        },
                        [&](const action::Writes& w) {
                          j["rate_per_s"] = w.rate_per_s;
                          j["for"] = duration_text(w.length);
                          j["remote_share"] = w.remote_share;
                          j["delete_share"] = w.delete_share;
                        }},
             a.action);
  return j;
}

/// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the news.
std::string without_exception_tag(const std::string& what) {
  const auto end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

std::string duration_text(core::Duration d) {
  using namespace std::chrono;
  const auto ns = d.count();
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::optional<core::Duration> parse_duration_text(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || !std::isfinite(value) || value < 0 || value > 1e9) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double scale = 0;
  if (unit == "ns")
    scale = 1e-9;
  else if (unit == "us")
    scale = 1e-6;
  else if (unit == "ms")
    scale = 1e-3;
  else if (unit == "s")
    scale = 1;
  else if (unit == "m" || unit == "min")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else
    return std::nullopt;
  return std::chrono::round<core::Duration>(std::chrono::duration<double>(value * scale));
}

FaultSchedule parse_schedule(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    fail(without_exception_tag(e.what()));
  }
  Fields top(root, "");
  FaultSchedule s;
  const std::uint64_t members = top.whole("members", "a number of members (a whole number ≥ 1)");
  if (members < 1 || members > std::numeric_limits<std::uint32_t>::max())
    fail("members: " + std::to_string(members) + " is not a usable number of members");
  s.members = static_cast<std::size_t>(members);
  if (top.has("seed")) s.seed = top.whole("seed", "a seed (a whole number from 0)");
  if (top.has("timings")) read_timings(top.get("timings"), s.timings);
  if (top.has("quiet")) s.quiet = top.duration("quiet");
  const Json& actions = top.get("actions");
  if (!actions.is_array()) fail("actions: expected a list, got " + shown(actions));
  for (std::size_t i = 0; i < actions.size(); ++i) {
    Fields f(actions[i], "actions[" + std::to_string(i) + "]");
    ScheduledAction a;
    a.at = f.duration("at");
    a.action = read_action(f, f.text("action"), s.members);
    f.finish();
    s.actions.push_back(std::move(a));
  }
  top.finish();
  if (auto bad = s.problem()) fail(*bad);
  return s;
}

FaultSchedule load_schedule(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScheduleFileError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_schedule(text.str());
  } catch (const ScheduleFileError& e) {
    throw ScheduleFileError(path + ": " + e.what());
  }
}

std::string to_json(const FaultSchedule& s) {
  std::string out = "{\n";
  out += "  \"members\": " + std::to_string(s.members) + ",\n";
  out += "  \"seed\": " + std::to_string(s.seed) + ",\n";
  out += "  \"timings\": " + timings_json(s.timings).dump() + ",\n";
  out += "  \"actions\": [";
  for (std::size_t i = 0; i < s.actions.size(); ++i)
    out += std::string(i == 0 ? "\n" : ",\n") + "    " + action_json(s.actions[i]).dump();
  out += s.actions.empty() ? "],\n" : "\n  ],\n";
  out += "  \"quiet\": \"" + duration_text(s.quiet) + "\"\n}\n";
  return out;
}

}  // namespace convoy::sim
