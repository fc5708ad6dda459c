// Core data-structure micro-benchmarks: core::BroadcastQueue (queueing news and selecting what
// to piggyback, as every outgoing datagram does) and core::MemberTable lookups (done for every
// piggybacked update received), at the sizes the simulator runs. Figures: docs/bench.md.
#include "core/dissemination/broadcast_queue.hpp"
#include "core/membership/member_table.hpp"
#include "core/time.hpp"

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using convoy::Address;
using convoy::MemberId;
using convoy::MemberStatus;
using convoy::core::BroadcastQueue;
using convoy::core::MemberTable;
using convoy::core::TimePoint;

constexpr std::uint32_t kSendLimit = 30;  // retransmission limit passed to select()
constexpr std::uint32_t kPerPacket = 42;  // entries a packet takes before it is full

// Pushing N distinct keys into a fresh queue (a node learning about N members); includes growing
// the queue's per-key storage from empty.
void BM_BroadcastQueuePush(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    BroadcastQueue q;
    for (std::uint32_t k = 0; k < n; ++k) q.push(k);
    benchmark::DoNotOptimize(q.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_BroadcastQueuePush)->Arg(1000)->Arg(10000);

// Pushing N keys that are all already queued (news superseding news): unlink + relink only, no
// growth of the queue's storage.
void BM_BroadcastQueueRepush(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  BroadcastQueue q;
  for (std::uint32_t k = 0; k < n; ++k) q.push(k);
  for (auto _ : state) {
    for (std::uint32_t k = 0; k < n; ++k) q.push(k);
    benchmark::DoNotOptimize(q.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_BroadcastQueueRepush)->Arg(1000)->Arg(10000);

// One select() per iteration: the visitor takes 42 entries, then answers `full`. Entries leave
// after 30 sends; when fewer than 42 remain, all N keys are pushed again (untimed).
void BM_BroadcastQueueSelect(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  BroadcastQueue q;
  for (std::uint32_t k = 0; k < n; ++k) q.push(k);
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    std::uint32_t taken = 0;
    q.select(kSendLimit, [&](std::uint32_t key) {
      if (taken == kPerPacket) return BroadcastQueue::Verdict::full;
      ++taken;
      checksum += key;
      return BroadcastQueue::Verdict::taken;
    });
    if (q.size() < kPerPacket) {
      state.PauseTiming();
      for (std::uint32_t k = 0; k < n; ++k) q.push(k);
      state.ResumeTiming();
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(state.iterations() * kPerPacket);
}
BENCHMARK(BM_BroadcastQueueSelect)->Arg(1000)->Arg(10000);

std::vector<MemberId> random_ids(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<MemberId> ids(count);
  for (MemberId& id : ids) id = MemberId{rng() | 1, rng()};
  return ids;
}

MemberTable table_of(const std::vector<MemberId>& ids) {
  MemberTable t;
  const TimePoint now{};
  std::uint8_t i = 0;
  for (const MemberId& id : ids) {
    t.insert(id, 1, MemberStatus::alive, Address::v4(10, 0, 0, ++i, 7946), now);
  }
  return t;
}

// find() of a present id; ids are looked up in a shuffled order, not insertion order.
void BM_MemberTableFindHit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<MemberId> ids = random_ids(n, 7);
  const MemberTable table = table_of(ids);
  std::vector<MemberId> lookups = ids;
  std::shuffle(lookups.begin(), lookups.end(), std::mt19937_64(8));
  std::size_t i = 0;
  for (auto _ : state) {
    const std::uint32_t slot = table.find(lookups[i]);
    benchmark::DoNotOptimize(slot);
    if (++i == lookups.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemberTableFindHit)->Arg(10000);

// find() of an absent id (news about a member this node has not heard of yet).
void BM_MemberTableFindMiss(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const MemberTable table = table_of(random_ids(n, 7));
  const std::vector<MemberId> lookups = random_ids(n, 9);
  std::size_t i = 0;
  std::size_t hits = 0;
  for (auto _ : state) {
    const std::uint32_t slot = table.find(lookups[i]);
    benchmark::DoNotOptimize(slot);
    hits += slot != MemberTable::kNoSlot;
    if (++i == lookups.size()) i = 0;
  }
  if (hits != 0) state.SkipWithError("a random id was found");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemberTableFindMiss)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
