// HostCluster: N Convoy hosts in this process, on 127.0.0.1 over real UDP and TCP sockets, built
// only on the public Host API: the first starts the cluster, the others join through it. The
// benchmark measures what they cost and how fast news spreads among them. By default each host
// has its own io thread, as it would in its own process; with hosts_per_loop > 0, every that
// many hosts share one EventLoop.
#pragma once

#include <convoy/config.hpp>
#include <convoy/event_loop.hpp>
#include <convoy/host.hpp>
#include <convoy/metrics.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace convoy::app {

class HostCluster {
 public:
  using Progress = std::function<void(const std::string&)>;

  /// Starts `nodes` hosts with `config` and `security` (joins are sequential; each waits for
  /// its answer). Throws convoy::Error when a host cannot start or join.
  HostCluster(std::size_t nodes, std::size_t hosts_per_loop, const Config& config,
              const SecurityOptions& security, const Progress& progress);
  /// Shuts every host down (abruptly, all at once: nobody waits for news of the others).
  ~HostCluster();
  HostCluster(const HostCluster&) = delete;
  HostCluster& operator=(const HostCluster&) = delete;

  [[nodiscard]] std::size_t size() const { return hosts_.size(); }
  [[nodiscard]] Host& host(std::size_t i) { return *hosts_[i]; }

  /// How many hosts see every host alive (polled: a directory read per host).
  [[nodiscard]] std::size_t hosts_seeing_all_alive() const;
  /// Polls until every host sees every host alive or `timeout` passed; true if it happened.
  bool wait_formed(std::chrono::milliseconds timeout, const Progress& progress) const;

  /// The hosts' counters added up.
  [[nodiscard]] Metrics totals() const;
  /// How many EventLoops the hosts share (0: a thread each).
  [[nodiscard]] std::size_t loops() const { return loops_; }

 private:
  std::vector<std::unique_ptr<Host>> hosts_;
  std::size_t loops_ = 0;
};

}  // namespace convoy::app
