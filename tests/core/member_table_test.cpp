// Tests of MemberTable and its open-addressing index against a std::map model, through random
// inserts, updates and erasures (the index's backward-shift deletion is the part worth checking).
#include "core/membership/member_table.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

namespace convoy::core {
namespace {

RC_GTEST_PROP(MemberTable, BehavesLikeAMap, ()) {
  MemberTable table;
  std::map<MemberId, std::uint32_t> model;
  // Few distinct ids so inserts, finds and erasures of the same ids interleave; small hi values
  // make many ids share index neighbourhoods.
  const auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange(0, 300)));
  for (auto [op, n] : ops) {
    MemberId id{static_cast<std::uint64_t>(n % 7), static_cast<std::uint64_t>(n)};
    auto it = model.find(id);
    if (op == 0 && it == model.end()) {
      model[id] = table.insert(id, 1, MemberStatus::alive, Address{}, TimePoint{});
    } else if (op == 1 && it != model.end()) {
      table.erase(it->second);
      model.erase(it);
    } else if (op == 2 && it != model.end()) {
      table.update(it->second, 2, MemberStatus::dead, Address{}, TimePoint{});
    }
    RC_ASSERT(table.size() == model.size());
  }
  std::size_t dead = 0;
  for (auto [id, slot] : model) {
    RC_ASSERT(table.find(id) == slot);
    RC_ASSERT(table.at(slot).id == id);
    dead += table.at(slot).status == MemberStatus::dead ? 1 : 0;
  }
  RC_ASSERT(table.count(MemberStatus::dead) == dead);
  RC_ASSERT(table.count(MemberStatus::alive) == model.size() - dead);
  for (int n = 0; n < 300; ++n) {
    MemberId id{static_cast<std::uint64_t>(n % 7), static_cast<std::uint64_t>(n)};
    if (!model.count(id)) RC_ASSERT(table.find(id) == MemberTable::kNoSlot);
  }
}

TEST(MemberTable, SlotsAreReusedAndGenerationsNeverRepeat) {
  MemberTable t;
  auto a = t.insert(MemberId{1, 1}, 0, MemberStatus::alive, Address{}, TimePoint{});
  auto gen_a = t.at(a).generation;
  t.erase(a);
  auto b = t.insert(MemberId{2, 2}, 0, MemberStatus::alive, Address{}, TimePoint{});
  EXPECT_EQ(a, b);
  EXPECT_GT(t.at(b).generation, gen_a);
  EXPECT_EQ(t.find(MemberId{1, 1}), MemberTable::kNoSlot);
  EXPECT_EQ(t.find(MemberId{2, 2}), b);
}

}  // namespace
}  // namespace convoy::core
