// Scenario "steady": what a formed, settled cluster costs each member every second, idle and
// under a write load (--write-rate writes a second, cluster-wide, each by a random member into
// its own store, over 100 keys). Bytes count the headers the wire would add: 28 a datagram
// (IPv4 + UDP) and 40 a stream message (IPv4 + TCP, one segment: a lower bound for large ones).
// The traffic is broken down by message kind, so a figure that moves can be traced to its
// cause; "+piggyback" kinds are the news a datagram carried besides its body.
#include "sim/scenario_runs.hpp"
#include "wire/codec.hpp"

#include <array>
#include <string>

namespace convoy::sim {
namespace {

constexpr double kDatagramHeader = 28.0;
constexpr double kStreamHeader = 40.0;

constexpr std::array<const char*, std::variant_size_v<wire::Body>> kKindNames{
    "ping",         "ack",         "nack",         "ping_req", "gossip",
    "join_request", "join_reply",  "push_pull",    "digest",   "digest_detail",
    "store_sync",   "store_write", "write_result", "push",     "prune"};

/// Traffic seen by the simulator's send tap over one window.
struct Traffic {
  double datagrams = 0;
  double streams = 0;
  double bytes = 0;  // with headers
  std::array<double, kKindNames.size()> kind_bytes{};
  double piggyback_bytes = 0;  // share of datagram bytes that was piggybacked news

  void count(bool datagram, std::span<const std::uint8_t> bytes_sent) {
    const double header = datagram ? kDatagramHeader : kStreamHeader;
    (datagram ? datagrams : streams) += 1;
    bytes += static_cast<double>(bytes_sent.size()) + header;
    const wire::DecodeResult d = wire::decode(bytes_sent, bytes_sent.size());
    if (!d.packet) return;
    std::size_t news = 0;
    for (const wire::MemberUpdate& u : d.packet->updates) news += wire::encoded_size(u);
    for (const wire::StoreDelta& x : d.packet->deltas) news += wire::encoded_size(x);
    piggyback_bytes += static_cast<double>(news);
    kind_bytes[d.packet->body.index()] +=
        static_cast<double>(bytes_sent.size() - std::min(news, bytes_sent.size())) + header;
  }
};

void report(ScenarioResult& r, const std::string& prefix, const Traffic& t, double member_seconds) {
  auto per = [&](double x) { return std::round(x / member_seconds * 10.0) / 10.0; };
  r.add(prefix + "datagrams_per_member_s", per(t.datagrams));
  r.add(prefix + "streams_per_member_s", per(t.streams));
  r.add(prefix + "bytes_per_member_s", per(t.bytes));
  for (std::size_t k = 0; k < kKindNames.size(); ++k)
    if (t.kind_bytes[k] > 0)
      r.add(prefix + kKindNames[k] + "_bytes_per_member_s", per(t.kind_bytes[k]));
  if (t.piggyback_bytes > 0) r.add(prefix + "piggyback_bytes_per_member_s", per(t.piggyback_bytes));
}

}  // namespace

ScenarioResult run_steady(const ScenarioOptions& o) {
  const core::Duration window = o.duration.value_or(std::chrono::seconds(60));
  SimCluster cluster(o);
  auto formed = form_and_settle(cluster, o);
  cluster.sim().run_for(std::chrono::seconds(10));  // and a few anti-entropy rounds have run

  Traffic* current = nullptr;
  cluster.sim().set_send_tap([&](bool datagram, std::span<const std::uint8_t> bytes) {
    if (current != nullptr) current->count(datagram, bytes);
  });
  const double member_seconds =
      static_cast<double>(o.nodes) * std::chrono::duration<double>(window).count();

  Traffic idle;
  current = &idle;
  const std::uint64_t suspicions_before = cluster.total_stats().suspicions_raised;
  cluster.sim().run_for(window);
  const std::uint64_t idle_suspicions = cluster.total_stats().suspicions_raised - suspicions_before;

  ScenarioResult r;
  add_header(r, o);
  r.add("formed", formed.has_value());
  r.add("window_s", seconds(window));
  report(r, "idle_", idle, member_seconds);
  r.add("idle_suspicions", static_cast<std::int64_t>(idle_suspicions));

  if (o.write_rate > 0) {
    Traffic loaded;
    current = &loaded;
    const core::TimePoint start = cluster.sim().now();
    const auto gap = std::chrono::duration_cast<core::Duration>(
        std::chrono::duration<double>(1.0 / o.write_rate));
    std::int64_t writes = 0;
    for (core::TimePoint t = start; t < start + window; t += gap) {
      const Slot writer = static_cast<Slot>(cluster.sim().scenario_rng().below(o.nodes));
      std::string key = "k";  // appended: see scenario_churn.cpp on GCC 12's -Wrestrict
      key += std::to_string(cluster.sim().scenario_rng().below(100));
      std::string value = "v";
      value += std::to_string(writes++);
      cluster.sim().at(t,
                       [&cluster, writer, key, value] { cluster.write_own(writer, key, value); });
    }
    cluster.sim().run_until(start + window);
    r.add("write_rate_per_s", o.write_rate);
    r.add("writes", writes);
    report(r, "loaded_", loaded, member_seconds);
  }
  current = nullptr;
  cluster.sim().set_send_tap({});
  add_totals(r, cluster);
  return r;
}

}  // namespace convoy::sim
