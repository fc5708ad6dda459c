// SimCluster: see sim_cluster.hpp.
#include "sim/sim_cluster.hpp"

#include "sim/addressing.hpp"

#include <algorithm>

namespace convoy::sim {

namespace {

SimConfig sim_config(const ScenarioOptions& options) {
  SimConfig c;
  c.seed = options.seed;
  return c;
}

}  // namespace

SimCluster::SimCluster(const ScenarioOptions& options)
    : options_(options), sim_(sim_config(options)) {}

void SimCluster::form(core::Duration spread) {
  std::vector<Slot> seeds;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, options_.nodes); ++i)
    seeds.push_back(static_cast<Slot>(i));
  form(spread, seeds);
}

void SimCluster::form(core::Duration spread, const std::vector<Slot>& seed_slots) {
  const std::size_t n = options_.nodes;
  Random& rng = sim_.scenario_rng();
  ids_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) ids_.push_back(MemberId{rng.next() | 1, i + 1});
  for (Slot s : seed_slots) seeds_.push_back(node_address(s));

  EventObserver observer = [this](const ObservedEvent& e) {
    if (on_event) on_event(e);
  };
  for (std::size_t i = 0; i < n; ++i) {
    NodeSetup setup;
    setup.config = options_.config;
    setup.id = ids_[i];
    if (i > 0) {
      // Rotate the seed list so the join load spreads over the seeds.
      for (std::size_t k = 0; k < seeds_.size(); ++k) {
        const Address& s = seeds_[(i + k) % seeds_.size()];
        if (s != node_address(static_cast<std::uint32_t>(i))) setup.seeds.push_back(s);
      }
    }
    auto when = sim_.now() +
                (n > 1 ? spread * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(n - 1)
                       : core::Duration{0});
    if (i == 0) {
      sim_.add_node(node_factory(setup, observer));
    } else {
      // add_node starts the process at once, so later joiners are added at their join time.
      sim_.at(when, [this, setup, observer] { sim_.add_node(node_factory(setup, observer)); });
    }
  }
}

std::optional<core::TimePoint> SimCluster::run_until(const std::function<bool()>& done,
                                                     core::TimePoint limit, core::Duration step) {
  while (sim_.now() < limit) {
    sim_.run_until(std::min(limit, sim_.now() + step));
    if (done()) return sim_.now();
  }
  return std::nullopt;
}

std::size_t SimCluster::live() const {
  std::size_t up = 0;
  for (Slot s = 0; s < sim_.size(); ++s) up += sim_.state(s) != NodeState::crashed ? 1 : 0;
  return up;
}

std::int64_t SimCluster::replicas_mismatched() const {
  std::int64_t mismatched = 0;
  const core::StoreReplica empty;
  for (Slot owner = 0; owner < sim_.size(); ++owner) {
    if (sim_.state(owner) == NodeState::crashed) continue;
    const std::uint64_t truth = node(owner).own_store().content_hash();
    for (Slot viewer = 0; viewer < sim_.size(); ++viewer) {
      if (viewer == owner || sim_.state(viewer) == NodeState::crashed) continue;
      const core::StoreReplica* r = node(viewer).replica(ids_[owner]);
      if ((r ? r->content_hash() : empty.content_hash()) != truth) ++mismatched;
    }
  }
  return mismatched;
}

void SimCluster::write_own(Slot slot, const std::string& key, const std::string& value) {
  sim_.after(core::Duration::zero(), [this, slot, key, value] {
    if (sim_.state(slot) == NodeState::crashed) return;
    core::Engine& n = node(slot);
    const wire::StoreItem* cur = n.own_store().find(key);
    n.put(n.id(), key, value, cur ? cur->version : 0, sim_.now(), {});
  });
}

bool SimCluster::quiet() const {
  for (Slot s = 0; s < sim_.size(); ++s)
    if (sim_.state(s) != NodeState::crashed && node(s).pending_broadcasts() != 0) return false;
  return true;
}

bool SimCluster::converged() const {
  if (sim_.size() < ids_.size()) return false;  // not everyone has started yet
  const std::size_t up = live();
  for (Slot s = 0; s < sim_.size(); ++s) {
    if (sim_.state(s) == NodeState::crashed) continue;
    const core::Engine& n = node(s);
    if (!n.joined() || n.count(MemberStatus::alive) != up) return false;
  }
  // Counts can match with the wrong members (a crashed one still alive, a live one dead): check
  // identities too, but only once the cheap test passed.
  for (Slot s = 0; s < sim_.size(); ++s) {
    if (sim_.state(s) == NodeState::crashed) continue;
    for (Slot t = 0; t < sim_.size(); ++t) {
      if (sim_.state(t) == NodeState::crashed) continue;
      auto view = node(s).member(ids_[t]);
      if (!view || view->status != MemberStatus::alive) return false;
    }
  }
  return true;
}

void SimCluster::restart(Slot slot, RestartMemory memory) {
  auto* p = sim_.process_as<NodeProcess>(slot);
  NodeSetup setup = p->restart_setup(memory);
  if (setup.seeds.empty()) {
    // The first member started a new cluster; started alone again it would found a second one
    // that only the others' reconnect attempts could find (and only until they reap it).
    for (const Address& s : seeds_)
      if (s != sim_.address(slot)) setup.seeds.push_back(s);
  }
  EventObserver observer = [this](const ObservedEvent& e) {
    if (on_event) on_event(e);
  };
  sim_.restart(slot, node_factory(setup, observer));
}

core::Engine& SimCluster::node(Slot slot) {
  return sim_.process_as<NodeProcess>(slot)->node();
}

const core::Engine& SimCluster::node(Slot slot) const {
  return dynamic_cast<const NodeProcess&>(sim_.process(slot)).node();
}

core::EngineStats SimCluster::total_stats() const {
  core::EngineStats t;
  for (Slot s = 0; s < sim_.size(); ++s) t += node(s).stats();
  return t;
}

}  // namespace convoy::sim
