// NetnsLab: see netns_lab.hpp.
#include "process/netns_lab.hpp"

#include "process/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace convoy::test {
namespace {

/// Every namespace a lab makes starts with this and its test process's pid: "cvy<pid>h" is the
/// hub, "cvy<pid>m<i>" machine i. Interface names stay short (the kernel allows 15 bytes).
constexpr const char* kPrefix = "cvy";

bool program_exists(const char* name) {
  return run_command({"sh", "-c", std::string("command -v ") + name}).first == 0;
}

}  // namespace

std::pair<int, std::string> run_command(const std::vector<std::string>& argv) {
  try {
    ChildProcess child(argv);
    child.close_input();
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!child.output_ended() && std::chrono::steady_clock::now() < deadline) {
      if (auto line = child.read_line(std::chrono::seconds(1))) out += *line + "\n";
    }
    const auto status = child.wait(std::chrono::seconds(5));
    if (!status) return {-1, out};
    return {WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, out};
  } catch (const std::exception&) {
    return {-1, ""};
  }
}

std::optional<std::string> NetnsLab::unavailable() {
  if (::geteuid() != 0) return "network namespaces need root, and this test runs as a user";
  if (!program_exists("ip")) return "`ip` (iproute2) is not installed: scripts/setup installs it";
  if (!program_exists("iptables")) return "iptables is not installed: scripts/setup installs it";
  const std::string probe = std::string(kPrefix) + std::to_string(::getpid()) + "probe";
  if (run_command({"ip", "netns", "add", probe}).first != 0)
    return "`ip netns add` fails here (no CAP_SYS_ADMIN in this container?)";
  run_command({"ip", "netns", "del", probe});
  return std::nullopt;
}

NetnsLab::NetnsLab(std::size_t machines, bool with_network) {
  // What labs of test processes that no longer run left behind (a SIGKILLed test, say).
  std::istringstream list(run_command({"ip", "netns", "list"}).second);
  for (std::string line; std::getline(list, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind(kPrefix, 0) != 0) continue;
    const std::string digits = name.substr(3, name.find_first_not_of("0123456789", 3) - 3);
    if (digits.empty()) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid != ::getpid() && ::kill(pid, 0) != 0) run_command({"ip", "netns", "del", name});
  }

  const std::string base = kPrefix + std::to_string(::getpid());
  try {
    if (with_network) {
      hub_ = base + "h";
      if (run_command({"ip", "netns", "add", hub_}).first != 0) {
        hub_.clear();
        throw std::runtime_error("ip netns add failed");
      }
      in_hub({"ip", "link", "add", "br0", "type", "bridge"});
      in_hub({"ip", "link", "set", "br0", "up"});
    }
    for (std::size_t i = 0; i < machines; ++i) {
      const std::string name = base + "m" + std::to_string(i);
      if (run_command({"ip", "netns", "add", name}).first != 0)
        throw std::runtime_error("ip netns add " + name + " failed");
      names_.push_back(name);
      in(i, {"ip", "link", "set", "lo", "up"});
      if (!with_network) continue;
      const std::string port = "p" + std::to_string(i);
      in_hub({"ip", "link", "add", port, "type", "veth", "peer", "name", "e0", "netns", name});
      in_hub({"ip", "link", "set", port, "master", "br0", "up"});
      in(i, {"ip", "addr", "add", ip(i) + "/24", "dev", "e0"});
      in(i, {"ip", "link", "set", "e0", "up"});
    }
  } catch (...) {
    remove_all();
    throw;
  }
}

NetnsLab::~NetnsLab() {
  remove_all();
}

void NetnsLab::remove_all() {
  for (const std::string& name : names_) run_command({"ip", "netns", "del", name});
  names_.clear();
  if (!hub_.empty()) run_command({"ip", "netns", "del", hub_});
  hub_.clear();
}

std::string NetnsLab::ip(std::size_t i) const {
  return "10.77.0." + std::to_string(i + 1);
}

std::vector<std::string> NetnsLab::exec(std::size_t i) const {
  return {"ip", "netns", "exec", names_.at(i)};
}

void NetnsLab::in(std::size_t i, std::vector<std::string> argv) {
  std::vector<std::string> full = exec(i);
  full.insert(full.end(), argv.begin(), argv.end());
  const auto [status, out] = run_command(full);
  if (status != 0) {
    std::string text;
    for (const std::string& a : full) text += a + " ";
    throw std::runtime_error("failed (" + std::to_string(status) + "): " + text);
  }
}

void NetnsLab::in_hub(std::vector<std::string> argv) {
  std::vector<std::string> full = {"ip", "netns", "exec", hub_};
  full.insert(full.end(), argv.begin(), argv.end());
  const auto [status, out] = run_command(full);
  if (status != 0) {
    std::string text;
    for (const std::string& a : full) text += a + " ";
    throw std::runtime_error("failed (" + std::to_string(status) + "): " + text);
  }
}

void NetnsLab::partition(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  const auto cut = [&](const std::vector<std::size_t>& from, const std::vector<std::size_t>& to) {
    for (std::size_t i : from)
      for (std::size_t j : to) {
        in(i, {"iptables", "-A", "INPUT", "-s", ip(j), "-j", "DROP"});
        in(i, {"iptables", "-A", "OUTPUT", "-d", ip(j), "-j", "DROP"});
      }
  };
  cut(a, b);
  cut(b, a);
}

void NetnsLab::drop_udp(double p) {
  char probability[32];
  std::snprintf(probability, sizeof probability, "%.3f", p);
  for (std::size_t i = 0; i < names_.size(); ++i)
    in(i, {"iptables", "-A", "INPUT", "-p", "udp", "-m", "statistic", "--mode", "random",
           "--probability", probability, "-j", "DROP"});
}

void NetnsLab::heal() {
  for (std::size_t i = 0; i < names_.size(); ++i) in(i, {"iptables", "-F"});
}

}  // namespace convoy::test
