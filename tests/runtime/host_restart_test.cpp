// Restarts. A host restarted from its data dir comes back as the same member — same id, a
// higher incarnation, its own store — and the whole cluster sees that: not only the host
// itself, every other member too. Restarted on a new port (as after a real restart with port 0),
// before or after the cluster noticed it was gone; and a member restarted with its id but
// without its data dir starts a new store life whose old keys vanish everywhere.
#include "host_cluster.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

class HostRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("convoy-restart-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] HostOptions durable_options() const {
    HostOptions o = test::local_options();
    o.data_dir = dir_.string();
    return o;
  }

  /// Every other running host holds `owner`'s store exactly as `expected`.
  static bool stores_everywhere(HostCluster& c, const MemberId& owner,
                                const std::map<std::string, Item>& expected) {
    for (auto& h : c.hosts()) {
      if (!h || !h->running()) continue;
      std::map<std::string, Item> seen;
      for (const DirectoryEntry& e : h->directory().items(owner)) seen.emplace(e.key, e.item);
      if (seen != expected) return false;
    }
    return true;
  }

  std::filesystem::path dir_;
};

TEST_F(HostRestart, ARestartedHostIsTheSameMemberWithItsStoreAtEveryHost) {
  HostCluster c(4);
  auto durable = Host::join(durable_options(), {test::seed_of(c[0])});
  const MemberId id = durable->id();
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(durable->store().put("k" + std::to_string(i), "v" + std::to_string(i)).status,
              WriteStatus::done);
  ASSERT_EQ(durable->store().erase("k3").status, WriteStatus::done);
  const std::map<std::string, Item> before = durable->store().items();
  ASSERT_EQ(before.size(), 19u);
  ASSERT_TRUE(eventually([&] { return stores_everywhere(c, id, before); }));
  const std::uint64_t incarnation = durable->self().incarnation;
  const Address old_address = durable->address();

  // Abruptly: the cluster finds out by itself.
  durable->shutdown();
  durable.reset();
  ASSERT_TRUE(eventually([&] { return c.status_everywhere(id, MemberStatus::dead); }));

  auto again = Host::join(durable_options(), {test::seed_of(c[1])});
  EXPECT_EQ(again->id(), id);
  EXPECT_GT(again->self().incarnation, incarnation);
  EXPECT_EQ(again->store().items(), before);
  EXPECT_NE(again->address(), old_address) << "port 0 picked the same port; the test proves less";
  for (auto& h : c.hosts())
    EXPECT_TRUE(eventually([&] {
      const auto m = h->directory().member(id).info();
      return m && m->status == MemberStatus::alive && m->incarnation > incarnation &&
             m->address == again->address();
    })) << "a host still sees the old life of the restarted member";
  EXPECT_TRUE(eventually([&] { return stores_everywhere(c, id, before); }));

  // Its versions go on from where they were: a new write is newer than every old one.
  const WriteResult w = again->store().put("k0", "new");
  ASSERT_EQ(w.status, WriteStatus::done);
  EXPECT_GT(w.item.version, before.at("k19").version);
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(id, "k0", "new"); }));
  again->leave(2s);
}

TEST_F(HostRestart, ARestartFasterThanDetectionReplacesTheOldLifeAtOnce) {
  HostCluster c(3);
  auto durable = Host::join(durable_options(), {test::seed_of(c[0])});
  const MemberId id = durable->id();
  ASSERT_EQ(durable->store().put("role", "web").status, WriteStatus::done);
  const std::uint64_t incarnation = durable->self().incarnation;
  ASSERT_TRUE(eventually([&] { return c.value_everywhere(id, "role", "web"); }));
  durable->shutdown();
  durable.reset();
  // Back before anybody suspected it: the new life must win over the old one's state.
  auto again = Host::join(durable_options(), {test::seed_of(c[2])});
  EXPECT_EQ(again->id(), id);
  EXPECT_TRUE(eventually([&] {
    return std::all_of(c.hosts().begin(), c.hosts().end(), [&](const auto& h) {
      const auto m = h->directory().member(id).info();
      return m && m->status == MemberStatus::alive && m->incarnation > incarnation &&
             m->address == again->address();
    });
  })) << "the cluster keeps the old life's address or incarnation";
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(id, "role", "web"); }));
  again->leave(2s);
}

TEST_F(HostRestart, AnIdRestartedWithoutItsStoreDropsTheOldKeysEverywhere) {
  HostCluster c(3);
  HostOptions o = test::local_options();
  o.id = MemberId{0xC0FFEE, 42};
  auto first = Host::join(o, {test::seed_of(c[0])});
  ASSERT_EQ(first->store().put("old", "1").status, WriteStatus::done);
  ASSERT_TRUE(eventually([&] { return c.value_everywhere(*o.id, "old", "1"); }));
  first->shutdown();
  first.reset();
  ASSERT_TRUE(eventually([&] { return c.status_everywhere(*o.id, MemberStatus::dead); }));

  // The same id with no memory at all: a new store life.
  auto second = Host::join(o, {test::seed_of(c[1])});
  ASSERT_EQ(second->store().put("new", "2").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] {
    for (auto& h : c.hosts()) {
      if (h->directory().value(*o.id, "old")) return false;
      const auto v = h->directory().value(*o.id, "new");
      if (!v || v->value != "2") return false;
    }
    return true;
  })) << "a key of the previous store life came back, or the new one did not spread";
  EXPECT_FALSE(second->store().get("old"));
  second->leave(2s);
}

TEST_F(HostRestart, AnotherIdForAnExistingDataDirIsRefused) {
  {
    auto h = Host::start(durable_options());
    h->shutdown();
  }
  HostOptions o = durable_options();
  o.id = MemberId{1, 2};
  try {
    auto h = Host::start(o);
    FAIL() << "started with an id that is not the data dir's";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_config);
    EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace convoy
