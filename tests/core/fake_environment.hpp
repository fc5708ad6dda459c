// FakeEnvironment: records what a Node asks of the world, so unit tests can drive one node by
// hand and read back every packet it sent, decoded.
#pragma once

#include "core/environment.hpp"
#include "wire/codec.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace convoy::test {

struct Sent {
  Address to;
  wire::Packet packet;
  bool stream = false;
  /// A reply on a connection: which one (`to` is then empty).
  std::optional<core::StreamId> reply_to;
};

class FakeEnvironment : public core::Environment {
 public:
  void send_datagram(const Address& to, std::span<const std::uint8_t> bytes) override {
    record(to, bytes, false);
  }
  void send_stream(const Address& to, std::vector<std::uint8_t> bytes) override {
    record(to, bytes, true);
  }
  void reply(core::StreamId stream, std::vector<std::uint8_t> bytes) override {
    record(Address{}, bytes, true);
    sent.back().reply_to = stream;
  }
  void schedule(core::TimePoint at) override { wake = at; }
  void make_durable(const core::DurableChange& change) override {
    durable.push_back(change);
    order.push_back('d');
  }
  void notify(const convoy::Event& e) override { events.push_back(e); }

  /// Events of `kind` about `id`, in order.
  [[nodiscard]] std::size_t count(convoy::Event::Kind kind, const MemberId& id) const {
    std::size_t n = 0;
    for (const auto& e : events) n += (e.kind == kind && e.member == id) ? 1 : 0;
    return n;
  }

  std::vector<Sent> sent;
  std::vector<convoy::Event> events;
  std::vector<core::DurableChange> durable;
  /// What the engine asked for, in order: 's' a send (datagram, stream or reply), 'd' a
  /// durable change.
  std::string order;
  std::optional<core::TimePoint> wake;

 private:
  void record(const Address& to, std::span<const std::uint8_t> bytes, bool stream) {
    wire::DecodeResult r = wire::decode(bytes, 1u << 26);
    if (!r.packet) throw std::runtime_error("node sent bytes its own decoder rejects");
    sent.push_back(Sent{to, std::move(*r.packet), stream, std::nullopt});
    order.push_back('s');
  }
};

}  // namespace convoy::test
