// Port: forwards a process's calls to the simulator, tagged with the caller's slot and
// generation so that calls from a replaced or crashed process are recognised and ignored.
#include "sim/port.hpp"

#include "sim/simulator.hpp"

#include <utility>

namespace convoy::sim {

void Port::send_datagram(const Address& to, std::span<const std::uint8_t> bytes) const {
  sim_->send_datagram(slot_, generation_, to, bytes);
}

void Port::send_stream(const Address& to, std::vector<std::uint8_t> bytes) const {
  sim_->send_stream(slot_, generation_, to, std::move(bytes));
}

void Port::reply(core::StreamId stream, std::vector<std::uint8_t> bytes) const {
  sim_->reply(slot_, generation_, stream, std::move(bytes));
}

void Port::schedule(core::TimePoint at) const {
  sim_->schedule(slot_, generation_, at);
}

core::TimePoint Port::now() const {
  return sim_->now();
}

const Address& Port::address() const {
  return sim_->address(slot_);
}

std::uint64_t Port::seed() const {
  return sim_->process_seed(slot_, generation_);
}

}  // namespace convoy::sim
