// Demo queries: see cluster_queries.hpp.
#include "demo/cluster_queries.hpp"

namespace convoy::app {

std::optional<std::string> member_id(AgentClient& agent) {
  try {
    const Reply r = agent.get("/v1/health");
    if (!r.ok() || !r.body.is_object()) return std::nullopt;
    return r.body.at("member").at("id").get<std::string>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::map<std::string, MemberView>> members_seen(AgentClient& agent) {
  try {
    const Reply r = agent.get("/v1/members");
    if (!r.ok() || !r.body.is_object()) return std::nullopt;
    std::map<std::string, MemberView> out;
    for (const auto& m : r.body.at("members"))
      out[m.at("id").get<std::string>()] =
          MemberView{m.at("status").get<std::string>(), m.at("incarnation").get<std::uint64_t>()};
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> value_seen(AgentClient& agent, const std::string& owner,
                                      const std::string& key) {
  try {
    const Reply r = agent.get("/v1/members/" + owner + "/store/" + url_encode(key));
    if (!r.ok() || !r.body.is_object()) return std::nullopt;
    return r.body.at("item").at("value").get<std::string>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace convoy::app
