// Simulator tests of a write that races a fail(): the owner writes, another member declares it
// failed within a network hop or two, the owner rejoins at once. Every replica must end up with
// the write, and so must every subscriber that mirrors the directory from its events: a change
// that reaches a replica while its owner is dead is out of the directory then, and must be told
// when the owner is back (a key event held back for good left the runtime's directory, which is
// built from those events, without the write: Loopback/HostOverLoopback.AFailedHostRejoins...
// failed that way a few times in a hundred). Each test prints its seed.
#include "sim/scenario.hpp"
#include "sim/sim_cluster.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace convoy::sim {
namespace {

using namespace std::chrono_literals;

/// A subscriber's copy of one owner's store, kept from key events only.
struct Mirror {
  std::shared_ptr<core::Subscription> feed;
  std::map<std::string, std::string> items;

  void drain(const MemberId& owner) {
    while (std::optional<Event> e = feed->poll()) {
      ASSERT_NE(e->kind, Event::Kind::overflow) << "the mirror's queue is large enough";
      if (e->member != owner) continue;
      if (e->kind == Event::Kind::key_set) items[e->key] = e->value;
      if (e->kind == Event::Kind::key_deleted) items.erase(e->key);
    }
  }
};

TEST(FailRace, AWriteRacingAFailReachesEveryReplicaAndEverySubscriber) {
  int missed = 0;
  constexpr std::uint64_t kSeeds = 200;
  std::cout << "[ seed     ] fail-race nodes=3 seeds=1.." << kSeeds << "\n";
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    ScenarioOptions o;
    o.scenario = "fail-race";
    o.nodes = 3;
    o.seed = seed;
    SimCluster c(o);
    c.form(100ms);
    ASSERT_TRUE(c.run_until([&] { return c.converged(); }, c.sim().now() + 60s).has_value());
    std::vector<Mirror> mirrors(3);
    for (Slot s = 0; s < 3; ++s) mirrors[s].feed = c.node(s).subscribe({}, 1 << 16);
    // 0 to 9.5 ms between the write and the fail: the delta meets the death before, at and
    // after it (a hop takes 1-5 ms).
    const auto gap = std::chrono::microseconds(static_cast<long>((seed % 20) * 500));
    c.write_own(2, "kept", "yes");
    c.sim().after(gap, [&] { c.node(0).fail(c.id(2), c.sim().now()); });
    auto everyone_has_it = [&] {
      for (Mirror& m : mirrors) m.drain(c.id(2));
      for (Slot s = 0; s < 3; ++s) {
        auto v = c.node(s).directory().value(c.id(2), "kept");
        if (!v || v->value != "yes") return false;
        auto m = mirrors[s].items.find("kept");
        if (m == mirrors[s].items.end() || m->second != "yes") return false;
      }
      return true;
    };
    if (!c.run_until(everyone_has_it, c.sim().now() + 30s).has_value()) {
      ++missed;
      for (Slot s = 0; s < 3; ++s)
        std::cout << "  seed " << seed << " gap " << gap.count() << " us: member " << s
                  << (c.node(s).directory().value(c.id(2), "kept") ? " has" : " lacks")
                  << " the write, its subscriber "
                  << (mirrors[s].items.count("kept") ? "has" : "lacks") << " it\n";
    }
  }
  EXPECT_EQ(missed, 0) << "of " << kSeeds << " seeds";
}

}  // namespace
}  // namespace convoy::sim
