// ApiContext: what every route of the HTTP API works with — the Host (through its public API
// only), the event hub, and the few facts about the agent the routes report. The agent owns all
// of it and outlives the server. The server binds its port before the member starts (a port in
// use is then reported before joining anyone), so the Host is attached once it exists, before
// the first request is served.
#pragma once

#include "agent/agent_keyring.hpp"
#include "http/event_hub.hpp"

#include <convoy/config.hpp>
#include <convoy/host.hpp>

#include <chrono>
#include <string>

namespace convoy::app {

struct ApiContext {
  ApiContext(EventHub& event_hub, Config member_config)
      : hub(event_hub), config(std::move(member_config)) {}

  /// The member; set before the server serves its first request.
  [[nodiscard]] Host& host() const { return *host_; }
  /// Its keyring, changed through the agent so that the keyring file follows.
  [[nodiscard]] AgentKeyring& keyring() const { return *keyring_; }
  void attach(Host& h, AgentKeyring& k) {
    host_ = &h;
    keyring_ = &k;
  }

  EventHub& hub;
  /// The Config the member runs (its store limits, checked before a write is asked for).
  Config config;
  /// The HTTP API's own address, as bound.
  std::string http_address;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

 private:
  Host* host_ = nullptr;
  AgentKeyring* keyring_ = nullptr;
};

}  // namespace convoy::app
