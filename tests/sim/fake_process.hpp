// FakeProcess: a scriptable stand-in for a protocol node, so the engine and network are tested
// without the core. It records everything it receives and lets each test decide, through
// optional hooks, how it reacts.
#pragma once

#include "sim/port.hpp"
#include "sim/process.hpp"
#include "sim/simulator.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace convoy::sim::testing {

struct Received {
  enum class Kind : std::uint8_t { datagram, stream, timer };
  Kind kind;
  core::TimePoint at;
  Address from;
  std::vector<std::uint8_t> bytes;
  core::StreamId stream = 0;  ///< stream: the connection it came on (to reply on)
};

class FakeProcess : public Process {
 public:
  using Hook = std::function<void(FakeProcess&, const Received&)>;

  explicit FakeProcess(Port port) : port_(port) {}

  void start(core::TimePoint now) override {
    started = true;
    if (on_start) on_start(*this, Received{Received::Kind::timer, now, {}, {}});
  }
  void handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                       core::TimePoint now) override {
    record(Received::Kind::datagram, from, bytes, now);
  }
  void handle_stream(core::StreamId stream, const Address& from,
                     std::span<const std::uint8_t> bytes, core::TimePoint now) override {
    record(Received::Kind::stream, from, bytes, now, stream);
  }
  void handle_timer(core::TimePoint now) override {
    record(Received::Kind::timer, Address{}, {}, now);
  }

  [[nodiscard]] Port& port() { return port_; }
  [[nodiscard]] std::size_t count(Received::Kind kind) const {
    std::size_t n = 0;
    for (const auto& r : log) n += r.kind == kind ? 1 : 0;
    return n;
  }

  std::vector<Received> log;
  bool started = false;
  Hook on_start;
  Hook on_receive;  ///< called after every datagram, stream or timer is logged

 private:
  void record(Received::Kind kind, const Address& from, std::span<const std::uint8_t> bytes,
              core::TimePoint now, core::StreamId stream = 0) {
    log.push_back(Received{kind, now, from, {bytes.begin(), bytes.end()}, stream});
    if (on_receive) on_receive(*this, log.back());
  }

  Port port_;
};

/// A factory that builds a FakeProcess and lets the test configure it before start().
inline ProcessFactory fake(std::function<void(FakeProcess&)> configure = {}) {
  return [configure = std::move(configure)](Port port) {
    auto p = std::make_unique<FakeProcess>(port);
    if (configure) configure(*p);
    return p;
  };
}

inline FakeProcess& fake_at(Simulator& sim, Slot slot) {
  return *sim.process_as<FakeProcess>(slot);
}

inline std::vector<std::uint8_t> bytes_of(std::initializer_list<std::uint8_t> b) {
  return b;
}

}  // namespace convoy::sim::testing
