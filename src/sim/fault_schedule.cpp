// FaultSchedule: the rules a schedule must follow, checked in one place for schedules read from
// a file and schedules built by code (the property test), with messages that name the field the
// way the file format does.
#include "sim/fault_schedule.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <type_traits>

namespace convoy::sim {

namespace {

/// Upper bounds that keep a hand-written typo from turning into a run that never ends.
constexpr std::size_t kMaxMembers = 65536;
constexpr double kMaxWriteRate = 100000;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

/// Checks one action; `at` is its path ("actions[3]"). Returns the first problem.
class ActionCheck {
 public:
  ActionCheck(std::string path, std::size_t members) : path_(std::move(path)), members_(members) {}

  std::optional<std::string> operator()(const action::Crash& a) const {
    return member("member", a.member);
  }
  std::optional<std::string> operator()(const action::Restart& a) const {
    return member("member", a.member);
  }
  std::optional<std::string> operator()(const action::Pause& a) const {
    if (auto p = member("member", a.member)) return p;
    return positive("for", a.length);
  }
  std::optional<std::string> operator()(const action::Partition& a) const {
    if (a.groups.empty()) return at("groups") + ": must list at least one group";
    std::map<MemberIndex, std::size_t> group_of;
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
      const std::string name = "groups[" + std::to_string(g) + "]";
      if (a.groups[g].empty()) return at(name) + ": a group must not be empty";
      for (std::size_t i = 0; i < a.groups[g].size(); ++i) {
        const std::string field = name + "[" + std::to_string(i) + "]";
        const MemberIndex m = a.groups[g][i];
        if (auto p = member(field, m)) return p;
        auto [it, fresh] = group_of.emplace(m, g);
        if (!fresh)
          return at(field) + ": member " + std::to_string(m) + " is already in groups[" +
                 std::to_string(it->second) + "]";
      }
    }
    return std::nullopt;
  }
  std::optional<std::string> operator()(const action::PartitionOneWay& a) const {
    if (a.from.empty()) return at("from") + ": must not be empty";
    if (a.to.empty()) return at("to") + ": must not be empty";
    for (std::size_t i = 0; i < a.from.size(); ++i)
      if (auto p = member("from[" + std::to_string(i) + "]", a.from[i])) return p;
    for (std::size_t i = 0; i < a.to.size(); ++i) {
      const std::string field = "to[" + std::to_string(i) + "]";
      if (auto p = member(field, a.to[i])) return p;
      if (std::find(a.from.begin(), a.from.end(), a.to[i]) != a.from.end())
        return at(field) + ": member " + std::to_string(a.to[i]) + " is also in from";
    }
    return std::nullopt;
  }
  std::optional<std::string> operator()(const action::Isolate& a) const {
    return member("member", a.member);
  }
  std::optional<std::string> operator()(const action::Heal&) const { return std::nullopt; }
  std::optional<std::string> operator()(const action::Loss& a) const {
    return probability("probability", a.probability);
  }
  std::optional<std::string> operator()(const action::LinkLoss& a) const {
    if (auto p = member("from", a.from)) return p;
    if (auto p = member("to", a.to)) return p;
    if (a.from == a.to) return at("to") + ": the same member as from (a link joins two members)";
    return probability("probability", a.probability);
  }
  std::optional<std::string> operator()(const action::MemberLoss& a) const {
    if (auto p = member("member", a.member)) return p;
    return probability("probability", a.probability);
  }
  std::optional<std::string> operator()(const action::Writes& a) const {
    if (!(a.rate_per_s > 0 && a.rate_per_s <= kMaxWriteRate))
      return at("rate_per_s") + ": " + number_text(a.rate_per_s) + " is not in (0, " +
             number_text(kMaxWriteRate) + "]";
    if (auto p = positive("for", a.length)) return p;
    if (auto p = probability("remote_share", a.remote_share)) return p;
    return probability("delete_share", a.delete_share);
  }

 private:
  [[nodiscard]] std::string at(const std::string& field) const { return path_ + "." + field; }
  [[nodiscard]] std::optional<std::string> member(const std::string& field, MemberIndex m) const {
    if (m < members_) return std::nullopt;
    return at(field) + ": " + std::to_string(m) +
           " is out of range (members: " + std::to_string(members_) + ")";
  }
  [[nodiscard]] std::optional<std::string> positive(const std::string& field,
                                                    core::Duration d) const {
    if (d > core::Duration::zero()) return std::nullopt;
    return at(field) + ": must be > 0";
  }
  [[nodiscard]] std::optional<std::string> probability(const std::string& field, double p) const {
    if (p >= 0.0 && p <= 1.0) return std::nullopt;
    return at(field) + ": " + number_text(p) + " is not between 0 and 1";
  }

  std::string path_;
  std::size_t members_;
};

}  // namespace

core::Duration ScheduledAction::ends() const {
  return std::visit(Overloaded{[&](const action::Pause& p) { return at + p.length; },
                               [&](const action::Writes& w) { return at + w.length; },
                               [&](const auto&) { return at; }},
                    action);
}

convoy::Config ScheduleTimings::apply(convoy::Config c) const {
  if (probe_period) c.set_probe_period(*probe_period);
  if (gossip_interval) c.dissemination.gossip_interval = *gossip_interval;
  if (push_pull_interval) c.protocol.push_pull_interval = *push_pull_interval;
  if (reconnect_interval) c.protocol.reconnect_interval = *reconnect_interval;
  if (post_join_sync) c.protocol.post_join_sync = *post_join_sync;
  if (reap_after) c.protocol.reap_after = *reap_after;
  if (join_timeout) c.protocol.join_timeout = *join_timeout;
  if (suspicion_mult) c.protocol.suspicion_mult = *suspicion_mult;
  if (store_sync_interval) c.store.sync_interval = *store_sync_interval;
  if (tombstone_grace) c.store.tombstone_grace = *tombstone_grace;
  if (write_timeout) c.store.write_timeout = *write_timeout;
  return c;
}

core::Duration FaultSchedule::quiet_begins() const {
  core::Duration end{0};
  for (const ScheduledAction& a : actions) end = std::max(end, a.ends());
  return end;
}

convoy::Config FaultSchedule::config(const convoy::Config& base) const {
  return timings.apply(base);
}

std::optional<std::string> FaultSchedule::problem() const {
  if (members < 1 || members > kMaxMembers)
    return "members: " + std::to_string(members) + " is not between 1 and " +
           std::to_string(kMaxMembers);
  if (quiet <= core::Duration::zero()) return std::string("quiet: must be > 0");
  if (auto bad = config().validate()) return "timings: " + bad->to_string();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string path = "actions[" + std::to_string(i) + "]";
    if (actions[i].at < core::Duration::zero()) return path + ".at: must be ≥ 0";
    if (auto p = std::visit(ActionCheck(path, members), actions[i].action)) return p;
  }
  return std::nullopt;
}

std::string_view action_name(const action::Action& a) {
  return std::visit(Overloaded{[](const action::Crash&) { return "crash"; },
                               [](const action::Restart&) { return "restart"; },
                               [](const action::Pause&) { return "pause"; },
                               [](const action::Partition&) { return "partition"; },
                               [](const action::PartitionOneWay&) { return "partition_one_way"; },
                               [](const action::Isolate&) { return "isolate"; },
                               [](const action::Heal&) { return "heal"; },
                               [](const action::Loss&) { return "loss"; },
                               [](const action::LinkLoss&) { return "link_loss"; },
                               [](const action::MemberLoss&) { return "member_loss"; },
                               [](const action::Writes&) { return "writes"; }},
                    a);
}

}  // namespace convoy::sim
