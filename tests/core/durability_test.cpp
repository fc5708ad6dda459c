// Durability: the engine hands its driver every fact a restart must not lose — the
// incarnation, the store epoch, every own write and every collected tombstone — and it does so
// before anything that depends on the fact is sent. A restored engine continues exactly where
// the persisted state left off.
#include "engine_harness.hpp"

#include <gtest/gtest.h>

namespace convoy {
namespace {

using core::TimePoint;
using namespace std::chrono_literals;
using test::alive;
using test::EngineHarness;
using test::member_id;

TEST(Durability, StartCommitsTheIncarnationAndStoreEpochBeforeAnySend) {
  EngineHarness h(1, test::quiet_config(), 4);
  h.engine.start(TimePoint{});
  ASSERT_FALSE(h.env.durable.empty());
  EXPECT_EQ(h.env.order.front(), 'd');
  const core::DurableChange& first = h.env.durable.front();
  EXPECT_EQ(first.incarnation, std::optional<std::uint64_t>(4));
  EXPECT_EQ(first.store_epoch, std::optional<std::uint64_t>(h.engine.own_store().epoch()));
}

TEST(Durability, AnOwnWriteIsDurableBeforeItsRumourLeaves) {
  EngineHarness h(1);
  TimePoint t{};
  h.begin_join(2, t);
  h.answer_join(wire::JoinResponse{{alive(2), alive(3)}, {}, 0, std::nullopt}, t);
  h.env.order.clear();
  h.env.durable.clear();
  std::optional<WriteResult> r;
  h.engine.put(member_id(1), "k", "v", std::nullopt, t, [&](const WriteResult& w) { r = w; });
  ASSERT_EQ(r->status, WriteStatus::done);
  ASSERT_EQ(h.env.durable.size(), 1u);
  EXPECT_EQ(h.env.durable[0].store_version, std::optional<std::uint64_t>(1));
  ASSERT_EQ(h.env.durable[0].put_items.size(), 1u);
  EXPECT_EQ(h.env.durable[0].put_items[0], (wire::StoreItem{"k", "v", 1, false}));
  // The rumour goes out with the next datagrams, all after the commit.
  for (int i = 0; i < 100; ++i) h.engine.handle_timer(t += 10ms);
  ASSERT_NE(h.env.order.find('s'), std::string::npos);
  EXPECT_EQ(h.env.order.front(), 'd');

  // A failed or conflicting write commits nothing.
  h.env.durable.clear();
  h.engine.put(member_id(1), "k", "x", Expectation{7}, t, [&](const WriteResult& w) { r = w; });
  EXPECT_EQ(r->status, WriteStatus::conflict);
  h.engine.put(member_id(1), "", "x", std::nullopt, t, [&](const WriteResult& w) { r = w; });
  EXPECT_EQ(r->status, WriteStatus::failed);
  EXPECT_TRUE(h.env.durable.empty());
}

TEST(Durability, ARefutationIsDurableBeforeItIsGossiped) {
  EngineHarness h(1);
  TimePoint t{};
  h.begin_join(2, t);
  h.answer_join(wire::JoinResponse{{alive(2)}, {}, 0, std::nullopt}, t);
  h.env.order.clear();
  h.env.durable.clear();
  wire::MemberUpdate suspect{member_id(1), 0, MemberStatus::suspect, test::member_address(1)};
  h.deliver(wire::Packet{wire::Gossip{}, {suspect}, {}}, test::member_address(2), t);
  ASSERT_EQ(h.engine.incarnation(), 1u);
  ASSERT_FALSE(h.env.durable.empty());
  EXPECT_EQ(h.env.durable[0].incarnation, std::optional<std::uint64_t>(1));
  EXPECT_EQ(h.env.order.front(), 'd');
}

TEST(Durability, CollectedTombstonesAreForgottenDurablyToo) {
  Config c = test::quiet_config();
  c.store.tombstone_grace = 10s;
  EngineHarness h(1, c);
  TimePoint t{};
  h.engine.start(t);
  h.engine.put(member_id(1), "k", "v", std::nullopt, t, {});
  h.engine.erase(member_id(1), "k", std::nullopt, t, {});
  h.env.durable.clear();
  for (int i = 0; i < 2000; ++i) h.engine.handle_timer(t += 10ms);  // 20 s: past the grace
  ASSERT_EQ(h.engine.own_store().find("k"), nullptr);
  bool forgotten = false;
  for (const auto& d : h.env.durable)
    if (d.erase_keys == std::vector<std::string>{"k"} && d.gc_version == 2u) forgotten = true;
  EXPECT_TRUE(forgotten);
}

TEST(Durability, ARestoredEngineContinuesWhereItsStateLeftOff) {
  test::FakeEnvironment env;
  core::RestoredState restored;
  restored.incarnation = 8;
  restored.store_epoch = (std::uint64_t{3} << 32) | 77;
  restored.store_version = 5;
  restored.gc_version = 2;
  restored.items = {{"a", "1", 4, false}, {"b", "", 5, true}};
  core::Engine engine(test::quiet_config(), member_id(1), test::member_address(1), restored, 7,
                      env, TimePoint{});
  engine.start(TimePoint{});
  EXPECT_EQ(engine.incarnation(), 8u);
  EXPECT_EQ(engine.own_store().epoch(), restored.store_epoch);
  EXPECT_EQ(engine.own_store().version(), 5u);
  EXPECT_EQ(engine.own_store().gc_version(), 2u);
  ASSERT_TRUE(engine.directory().value(member_id(1), "a").has_value());
  EXPECT_FALSE(engine.directory().value(member_id(1), "b").has_value());  // a tombstone
  std::optional<WriteResult> r;
  engine.put(member_id(1), "c", "3", Expectation{0}, TimePoint{},
             [&](const WriteResult& w) { r = w; });
  ASSERT_EQ(r->status, WriteStatus::done);
  EXPECT_EQ(r->item.version, 6u);  // never a version the cluster has already seen
  EXPECT_EQ(r->item.epoch, restored.store_epoch);
}

}  // namespace
}  // namespace convoy
