// NodeProcess: a thin pass-through; the only policy here is how a node starts and restarts.
#include "sim/node_process.hpp"

#include <memory>
#include <utility>

namespace convoy::sim {

NodeProcess::NodeProcess(Port port, NodeSetup setup, EventObserver observer)
    : port_(port),
      setup_(std::move(setup)),
      observer_(std::move(observer)),
      node_(setup_.config, setup_.id, port_.address(), setup_.incarnation,
            setup_.seed.value_or(port_.seed()), *this) {}

void NodeProcess::start(core::TimePoint now) {
  if (setup_.seeds.empty()) {
    node_.start(now);
  } else {
    node_.join(setup_.seeds, now);
  }
}

void NodeProcess::handle_datagram(const Address& from, std::span<const std::uint8_t> bytes,
                                  core::TimePoint now) {
  node_.handle_datagram(from, bytes, now);
}

void NodeProcess::handle_stream(core::StreamId stream, const Address& from,
                                std::span<const std::uint8_t> bytes, core::TimePoint now) {
  node_.handle_stream(stream, from, bytes, now);
}

void NodeProcess::handle_stream_failed(const Address& to, core::TimePoint now) {
  node_.stream_failed(to, now);
}

void NodeProcess::handle_timer(core::TimePoint now) {
  node_.handle_timer(now);
}

NodeSetup NodeProcess::restart_setup(RestartMemory memory) const {
  NodeSetup next = setup_;
  switch (memory) {
    case RestartMemory::kept:
      // The node may have refuted suspicions since it started, raising its incarnation.
      next.incarnation = node_.incarnation() + 1;
      break;
    case RestartMemory::none:
      next.incarnation = 0;
      break;
  }
  // A new life draws new random numbers; the Port's seed already differs per generation.
  next.seed.reset();
  return next;
}

void NodeProcess::send_datagram(const Address& to, std::span<const std::uint8_t> bytes) {
  port_.send_datagram(to, bytes);
}

void NodeProcess::send_stream(const Address& to, std::vector<std::uint8_t> bytes) {
  port_.send_stream(to, std::move(bytes));
}

void NodeProcess::reply(core::StreamId stream, std::vector<std::uint8_t> bytes) {
  port_.reply(stream, std::move(bytes));
}

void NodeProcess::schedule(core::TimePoint at) {
  port_.schedule(at);
}

void NodeProcess::notify(const convoy::Event& event) {
  if (observer_) observer_(ObservedEvent{port_.slot(), setup_.id, port_.now(), event});
}

ProcessFactory node_factory(NodeSetup setup, EventObserver observer) {
  return [setup = std::move(setup), observer = std::move(observer)](Port port) {
    return std::make_unique<NodeProcess>(port, setup, observer);
  };
}

}  // namespace convoy::sim
