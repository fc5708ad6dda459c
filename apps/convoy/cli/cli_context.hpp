// What every command of the CLI shares: the client of the agent it talks to, whether to print
// JSON for scripts or tables for people, and CliFailure — a command's one-line reason to exit
// non-zero, with the status scripts can branch on (docs/agent.md, "Exit status").
#pragma once

#include "client/agent_client.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

namespace convoy::app {

/// Exit statuses of the CLI.
enum CliExit : int {
  kExitOk = 0,
  kExitError = 1,     ///< the agent is unreachable, the member unknown, the write failed...
  kExitUsage = 2,     ///< bad flags
  kExitConflict = 3,  ///< a compare-and-set found another version
  kExitNotFound = 4,  ///< no such key
};

class CliFailure : public std::runtime_error {
 public:
  CliFailure(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const { return status_; }

 private:
  int status_;
};

struct CliContext {
  AgentClient& client;
  bool json = false;
  std::ostream& out = std::cout;
};

/// `reply` when it succeeded; otherwise throws CliFailure with the agent's reason, mapped to an
/// exit status (409 -> conflict, 404 no_such_key -> not found).
Reply expect_ok(Reply reply);

}  // namespace convoy::app
