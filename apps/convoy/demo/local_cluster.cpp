// LocalCluster: see local_cluster.hpp.
#include "demo/local_cluster.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

namespace convoy::app {
namespace {

/// The agent's keyring file format (docs/agent.md), created 0600 from the start: the key is
/// never readable by others, not even for a moment.
void write_keyring(const std::filesystem::path& path, const std::string& key) {
  const std::string text =
      nlohmann::json{{"keys", {key}}, {"encryption", "required"}}.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

LocalCluster::Agent::Agent(std::string n, std::uint16_t g, std::uint16_t h, std::filesystem::path d,
                           std::vector<std::string> argv, const sigset_t& mask,
                           bool die_with_parent)
    : name(std::move(n)),
      gossip_port(g),
      http_port(h),
      data_dir(std::move(d)),
      process(std::move(argv), (data_dir / "agent.log").string(), mask, die_with_parent),
      client("127.0.0.1:" + std::to_string(h), std::chrono::seconds(30)) {}

LocalCluster::LocalCluster(ClusterSettings settings, const sigset_t& child_mask)
    : settings_(std::move(settings)) {
  PortPicker ports;
  std::vector<std::uint16_t> gossip_ports;
  for (std::size_t i = 0; i < settings_.nodes; ++i) gossip_ports.push_back(ports.pick());
  for (std::size_t i = 0; i < settings_.nodes; ++i) {
    const std::string name = "agent-" + std::to_string(i + 1);
    const std::uint16_t http_port = ports.pick();
    const auto dir = settings_.dir / name;
    std::filesystem::create_directories(dir);
    std::vector<std::string> argv{settings_.executable,
                                  "agent",
                                  "--bind",
                                  "127.0.0.1:" + std::to_string(gossip_ports[i]),
                                  "--http",
                                  "127.0.0.1:" + std::to_string(http_port),
                                  "--data-dir",
                                  (dir / "data").string(),
                                  "--profile",
                                  settings_.profile,
                                  "--log-level",
                                  settings_.log_level,
                                  "--leave-timeout",
                                  "2s",
                                  "--tag",
                                  "name=" + name};
    if (!settings_.key.empty()) {
      write_keyring(dir / "keyring.json", settings_.key);
      for (const std::string& arg : {std::string("--keyring-file"), (dir / "keyring.json").string(),
                                     std::string("--cluster-name"), settings_.cluster_name})
        argv.push_back(arg);
    }
    // Everyone but the first joins through the first two (a restarted agent finds one alive).
    for (std::size_t s = 0; s < std::min<std::size_t>(2, settings_.nodes); ++s) {
      if (s == i || i == 0) continue;
      argv.push_back("--join");
      argv.push_back("127.0.0.1:" + std::to_string(gossip_ports[s]));
    }
    agents_.push_back(std::make_unique<Agent>(name, gossip_ports[i], http_port, dir,
                                              std::move(argv), child_mask, !settings_.keep));
  }
}

LocalCluster::~LocalCluster() {
  if (kept_) {
    for (auto& a : agents_) a->process.release();
    return;
  }
  stop_all(std::chrono::seconds(3));
}

std::string LocalCluster::http(std::size_t i) const {
  return "127.0.0.1:" + std::to_string(agents_[i]->http_port);
}

std::string LocalCluster::gossip(std::size_t i) const {
  return "127.0.0.1:" + std::to_string(agents_[i]->gossip_port);
}

void LocalCluster::start(std::size_t i) {
  agents_[i]->process.start();
}

void LocalCluster::stop_all(std::chrono::milliseconds grace) {
  // All at once, then wait: N agents leave in one grace period, not N.
  for (auto& a : agents_)
    if (a->process.running()) a->process.signal(SIGTERM);
  for (auto& a : agents_) a->process.stop(grace);
}

void LocalCluster::keep() {
  kept_ = true;
}

}  // namespace convoy::app
