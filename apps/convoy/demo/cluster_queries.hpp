// What the demo asks each agent, through its HTTP API only: who it is, which members it sees
// and how, and what it holds for a key of some member's store. Each answer is nullopt when the
// agent cannot answer (it is down, or the member or key is unknown there): the demo's waits
// treat that as "not yet".
#pragma once

#include "client/agent_client.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace convoy::app {

struct MemberView {
  std::string status;
  std::uint64_t incarnation = 0;
};

/// The agent's own member id.
[[nodiscard]] std::optional<std::string> member_id(AgentClient& agent);
/// Every member the agent knows, by id.
[[nodiscard]] std::optional<std::map<std::string, MemberView>> members_seen(AgentClient& agent);
/// The value the agent holds for `key` of member `owner`'s store.
[[nodiscard]] std::optional<std::string> value_seen(AgentClient& agent, const std::string& owner,
                                                    const std::string& key);

}  // namespace convoy::app
