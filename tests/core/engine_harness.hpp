// EngineHarness: one engine driven by hand, for tests of a single component's behaviour through
// the engine's real inputs and outputs: it joins through a fake seed (answering with the request
// id the engine chose), delivers packets as datagrams or on a connection, and reads back what
// the engine sent, decoded.
#pragma once

#include "core/engine.hpp"
#include "fake_environment.hpp"
#include "wire/codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

namespace convoy::test {

inline MemberId member_id(std::uint64_t n) {
  return MemberId{0xC0FFEE, n};
}
inline Address member_address(std::uint64_t n) {
  return Address::v4(10, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                     static_cast<std::uint8_t>(n), 7946);
}
inline wire::MemberUpdate alive(std::uint64_t n, std::uint64_t incarnation = 0) {
  return wire::MemberUpdate{member_id(n), incarnation, MemberStatus::alive, member_address(n)};
}

/// A Config with the periodic exchanges that are not under test pushed out of the way.
inline Config quiet_config() {
  Config c;
  c.protocol.push_pull_interval = std::chrono::hours(1);
  c.protocol.reconnect_interval = std::chrono::hours(1);
  return c;
}

class EngineHarness {
 public:
  explicit EngineHarness(std::uint64_t n, Config config = quiet_config(),
                         std::uint64_t incarnation = 0, std::uint64_t seed = 7)
      : config_(std::move(config)),
        engine(config_, member_id(n), member_address(n), incarnation, seed, env) {}

  /// Starts joining through member `seed_n`; returns the request id the engine sent.
  std::uint64_t begin_join(std::uint64_t seed_n, core::TimePoint now) {
    const Address seeds[] = {member_address(seed_n)};
    engine.join(seeds, now);
    return last_join_request();
  }
  /// The request id of the last JoinRequest the engine sent (0 if none).
  [[nodiscard]] std::uint64_t last_join_request() const {
    for (auto it = env.sent.rbegin(); it != env.sent.rend(); ++it)
      if (const auto* r = std::get_if<wire::JoinRequest>(&it->packet.body)) return r->request;
    return 0;
  }
  /// Answers the outstanding join request with `response` (its request id filled in).
  void answer_join(wire::JoinResponse response, core::TimePoint now,
                   core::StreamId connection = 1) {
    response.request = last_join_request();
    deliver_stream(wire::Packet{std::move(response), {}, {}}, connection, now);
  }

  void deliver(const wire::Packet& packet, const Address& from, core::TimePoint now) {
    const wire::Bytes bytes = wire::encode(packet);
    engine.handle_datagram(from, bytes, now);
  }
  void deliver_stream(const wire::Packet& packet, core::StreamId connection, core::TimePoint now,
                      const Address& peer = Address::v4(10, 255, 255, 254, 50000)) {
    const wire::Bytes bytes = wire::encode(packet);
    engine.handle_stream(connection, peer, bytes, now);
  }

  /// What the engine sent of body type B, in order.
  template <class B>
  [[nodiscard]] std::vector<const Sent*> sent_of() const {
    std::vector<const Sent*> out;
    for (const Sent& s : env.sent)
      if (std::holds_alternative<B>(s.packet.body)) out.push_back(&s);
    return out;
  }

  FakeEnvironment env;

 private:
  Config config_;

 public:
  core::Engine engine;
};

}  // namespace convoy::test
