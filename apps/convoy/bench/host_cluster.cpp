// HostCluster: see host_cluster.hpp.
#include "bench/host_cluster.hpp"

#include <algorithm>
#include <thread>

namespace convoy::app {
namespace {

HostOptions options_for(const Config& config, const SecurityOptions& security,
                        std::shared_ptr<EventLoop> loop) {
  HostOptions o;
  o.security = security;
  o.event_loop = std::move(loop);
  o.bind_host = "127.0.0.1";
  o.port = 0;
  o.config = config;
  o.log_level = LogLevel::error;
  o.leave_timeout = std::chrono::milliseconds(100);
  return o;
}

}  // namespace

HostCluster::HostCluster(std::size_t nodes, std::size_t hosts_per_loop, const Config& config,
                         const SecurityOptions& security, const Progress& progress) {
  hosts_.reserve(nodes);
  // The hosts hold their loop: it ends with the last of them.
  std::shared_ptr<EventLoop> loop;
  auto loop_for = [&](std::size_t i) -> std::shared_ptr<EventLoop> {
    if (hosts_per_loop == 0) return nullptr;
    if (i % hosts_per_loop == 0) {
      loop = std::make_shared<EventLoop>();
      ++loops_;
    }
    return loop;
  };
  hosts_.push_back(Host::start(options_for(config, security, loop_for(0))));
  const std::string seed = hosts_.front()->address().to_string();
  for (std::size_t i = 1; i < nodes; ++i) {
    hosts_.push_back(Host::join(options_for(config, security, loop_for(i)), {seed}));
    if ((i + 1) % 16 == 0 || i + 1 == nodes)
      progress(std::to_string(i + 1) + " of " + std::to_string(nodes) + " hosts joined");
  }
}

HostCluster::~HostCluster() {
  std::vector<std::thread> stopping;
  stopping.reserve(hosts_.size());
  for (auto& h : hosts_) stopping.emplace_back([&h] { h->shutdown(); });
  for (auto& t : stopping) t.join();
}

std::size_t HostCluster::hosts_seeing_all_alive() const {
  return static_cast<std::size_t>(std::count_if(hosts_.begin(), hosts_.end(), [&](const auto& h) {
    const std::vector<Member> members = h->directory().all();
    return members.size() == hosts_.size() &&
           std::all_of(members.begin(), members.end(),
                       [](const Member& m) { return m.status == MemberStatus::alive; });
  }));
}

bool HostCluster::wait_formed(std::chrono::milliseconds timeout, const Progress& progress) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (true) {
    const std::size_t seeing = hosts_seeing_all_alive();
    if (seeing == hosts_.size()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (now >= next_report) {
      progress(std::to_string(seeing) + " of " + std::to_string(hosts_.size()) +
               " hosts see every host alive");
      next_report = now + std::chrono::seconds(2);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Metrics HostCluster::totals() const {
  Metrics sum;
  for (const auto& h : hosts_) {
    const Metrics m = h->metrics();
    sum.datagrams_sent += m.datagrams_sent;
    sum.datagrams_received += m.datagrams_received;
    sum.stream_messages_sent += m.stream_messages_sent;
    sum.stream_messages_received += m.stream_messages_received;
    sum.bytes_sent += m.bytes_sent;
    sum.bytes_received += m.bytes_received;
    sum.suspicions += m.suspicions;
    sum.members_declared_dead += m.members_declared_dead;
    sum.probes_sent += m.probes_sent;
  }
  return sum;
}

}  // namespace convoy::app
