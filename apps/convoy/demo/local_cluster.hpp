// LocalCluster: the demo's agents — real `convoy agent` processes on 127.0.0.1, each with its
// own ports, data dir and log under one folder — and an HTTP client for each. The first agent
// starts the cluster; the others join through the first two. Agents are stopped (a graceful
// leave, then SIGKILL after a grace period) when the cluster goes away, unless kept.
#pragma once

#include "client/agent_client.hpp"
#include "demo/agent_process.hpp"
#include "demo/free_port.hpp"

#include <signal.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace convoy::app {

struct ClusterSettings {
  std::string executable;  ///< the convoy binary
  std::filesystem::path dir;
  std::size_t nodes = 5;
  std::string profile = "local";
  std::string log_level = "info";
  /// Agents survive the demo (--keep): no PR_SET_PDEATHSIG, no stop at the end.
  bool keep = false;
  /// A base64 key that seals all of the agents' traffic (each agent gets a keyring file with
  /// it, mode 0600, so the key is not on a command line); empty: plaintext.
  std::string key;
  std::string cluster_name = "convoy-demo";
};

class LocalCluster {
 public:
  LocalCluster(ClusterSettings settings, const sigset_t& child_mask);
  /// Stops every agent that still runs, unless kept.
  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  [[nodiscard]] std::size_t size() const { return agents_.size(); }
  [[nodiscard]] const std::string& name(std::size_t i) const { return agents_[i]->name; }
  [[nodiscard]] std::string http(std::size_t i) const;
  [[nodiscard]] std::string gossip(std::size_t i) const;
  [[nodiscard]] const std::filesystem::path& data_dir(std::size_t i) const {
    return agents_[i]->data_dir;
  }
  [[nodiscard]] AgentProcess& process(std::size_t i) { return agents_[i]->process; }
  /// The client of agent i (for the demo's main thread).
  [[nodiscard]] AgentClient& client(std::size_t i) { return agents_[i]->client; }

  /// Starts (or restarts from its data dir) agent i.
  void start(std::size_t i);
  /// Stops every running agent: SIGTERM, then SIGKILL after `grace`.
  void stop_all(std::chrono::milliseconds grace);
  /// Leaves every agent running when this object goes away.
  void keep();

 private:
  struct Agent {
    Agent(std::string n, std::uint16_t g, std::uint16_t h, std::filesystem::path d,
          std::vector<std::string> argv, const sigset_t& mask, bool die_with_parent);
    std::string name;
    std::uint16_t gossip_port;
    std::uint16_t http_port;
    std::filesystem::path data_dir;
    AgentProcess process;
    AgentClient client;
  };

  ClusterSettings settings_;
  std::vector<std::unique_ptr<Agent>> agents_;
  bool kept_ = false;
};

}  // namespace convoy::app
