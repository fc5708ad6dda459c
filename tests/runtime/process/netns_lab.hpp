// NetnsLab: several "machines" on this one, for the tests that must cross a real network stack:
// each machine a network namespace of its own with one interface (e0) and one address in a
// private range, all of them plugged into a bridge that lives in a namespace of its own too (the
// hub), so nothing is added to the namespace the test runs in. Links are cut and healed, and
// datagrams dropped at random, with iptables inside the machines' namespaces.
//
//   NetnsLab lab(5);                       // 10.77.0.1 ... 10.77.0.5
//   NodeProcess n({"--bind", lab.ip(0)}, lab.exec(0));
//   lab.partition({0, 1}, {2, 3, 4});  lab.heal();  lab.drop_udp(0.1);
//
// Needs root and iproute2 (and iptables to cut links): unavailable() says what is missing, for
// GTEST_SKIP. The destructor deletes every namespace it made (deleting one deletes its
// interfaces and rules), and a new lab first deletes what labs of dead test processes left.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace convoy::test {

/// Runs `argv` to its end (at most 20 s); its exit status (-1 if it could not run or hung) and
/// what it printed on stdout.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv);

class NetnsLab {
 public:
  /// Why namespaces cannot be made here (not root, no `ip`, no iptables, or the kernel says no);
  /// nullopt when they can.
  static std::optional<std::string> unavailable();

  /// `machines` namespaces on the bridge, machine i at 10.77.0.(i+1)/24 (`with_network` false:
  /// namespaces with only their loopback up, plugged into nothing). Throws std::runtime_error
  /// (after removing what it made) if a step fails.
  explicit NetnsLab(std::size_t machines, bool with_network = true);
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  [[nodiscard]] std::size_t size() const { return names_.size(); }
  [[nodiscard]] const std::string& name(std::size_t i) const { return names_.at(i); }
  [[nodiscard]] std::string ip(std::size_t i) const;
  /// The prefix that runs a program in machine i: {"ip", "netns", "exec", name}.
  [[nodiscard]] std::vector<std::string> exec(std::size_t i) const;

  /// Drops everything between the two groups, both ways, at every machine of both.
  void partition(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b);
  /// Drops each UDP datagram a machine receives with probability `p` (every machine).
  void drop_udp(double p);
  /// Removes every rule: all links whole again, no loss.
  void heal();

 private:
  void in(std::size_t i, std::vector<std::string> argv);
  void in_hub(std::vector<std::string> argv);
  void remove_all();

  std::string hub_;
  std::vector<std::string> names_;
};

}  // namespace convoy::test
