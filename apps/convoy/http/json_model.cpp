// JSON shapes of Convoy's types: see json_model.hpp.
#include "http/json_model.hpp"

#include "text/duration.hpp"

#include <convoy/member_status.hpp>

namespace convoy::app {

Json member_json(const Member& m, const MemberId& self) {
  Json j;
  j["id"] = m.id.to_string();
  j["address"] = m.address.to_string();
  j["status"] = std::string(to_string(m.status));
  j["incarnation"] = m.incarnation;
  j["self"] = m.id == self;
  return j;
}

Json item_json(const Item& item) {
  Json j;
  j["value"] = item.value;
  j["version"] = item.version;
  j["epoch"] = item.epoch;
  if (item.deleted) j["deleted"] = true;
  return j;
}

Json entry_json(const DirectoryEntry& e) {
  Json j;
  j["member"] = e.member.to_string();
  j["key"] = e.key;
  j["value"] = e.item.value;
  j["version"] = e.item.version;
  j["epoch"] = e.item.epoch;
  return j;
}

Json event_json(const Event& e) {
  Json j;
  j["kind"] = std::string(to_string(e.kind));
  if (e.kind != Event::Kind::overflow) j["member"] = e.member.to_string();
  if (e.is_member_event() || e.is_self_event()) {
    j["incarnation"] = e.incarnation;
    j["address"] = e.address.to_string();
  }
  if (e.is_key_event()) {
    j["key"] = e.key;
    if (e.kind == Event::Kind::key_set) j["value"] = e.value;
    j["version"] = e.version;
  }
  if (e.kind == Event::Kind::overflow) j["dropped"] = e.dropped;
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

Json config_json(const Config& c) {
  auto d = [](std::chrono::nanoseconds v) { return format_duration(v); };
  Json j;
  j["protocol"] = Json{{"probe_interval", d(c.protocol.probe_interval)},
                       {"probe_timeout", d(c.protocol.probe_timeout)},
                       {"indirect_probes", c.protocol.indirect_probes},
                       {"suspicion_mult", c.protocol.suspicion_mult},
                       {"awareness_max", c.protocol.awareness_max},
                       {"push_pull_interval", d(c.protocol.push_pull_interval)},
                       {"post_join_sync", d(c.protocol.post_join_sync)},
                       {"reconnect_interval", d(c.protocol.reconnect_interval)},
                       {"reap_after", d(c.protocol.reap_after)},
                       {"join_timeout", d(c.protocol.join_timeout)},
                       {"join_rounds", c.protocol.join_rounds}};
  j["dissemination"] = Json{{"gossip_interval", d(c.dissemination.gossip_interval)},
                            {"fanout", c.dissemination.fanout},
                            {"factor", c.dissemination.factor},
                            {"eager_peers", c.dissemination.eager_peers},
                            {"packet_budget", c.dissemination.packet_budget}};
  j["store"] = Json{{"max_key_bytes", c.store.max_key_bytes},
                    {"max_value_bytes", c.store.max_value_bytes},
                    {"tombstone_grace", d(c.store.tombstone_grace)},
                    {"sync_interval", d(c.store.sync_interval)},
                    {"write_timeout", d(c.store.write_timeout)}};
  j["network"] = Json{{"max_stream_message", c.network.max_stream_message}};
  return j;
}

std::string dump_json(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace convoy::app
