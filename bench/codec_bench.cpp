// Codec micro-benchmarks: the cost of turning a full gossip datagram (a Gossip body packed by
// wire::Packer to the 1400-byte budget with IPv4 MemberUpdates) into bytes and back, and the
// per-update cost of Packer::try_add, which the core pays for every piggybacked update it sends.
// Figures and the commands that produce them are recorded in docs/bench.md.
#include "wire/codec.hpp"
#include "wire/message.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using convoy::Address;
using convoy::MemberId;
using convoy::MemberStatus;
using convoy::wire::Bytes;
using convoy::wire::Gossip;
using convoy::wire::MemberUpdate;
using convoy::wire::Packer;
using convoy::wire::Packet;

constexpr std::size_t kBudget = 1400;  // the datagram budget the core packs to

// Realistic IPv4 updates: random 128-bit ids, small incarnations, mostly alive, 10.x.y.z:7946.
std::vector<MemberUpdate> make_updates(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<MemberUpdate> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    MemberUpdate u;
    u.id = MemberId{rng() | 1, rng()};  // never the nil id
    u.incarnation = rng() % 1000 + 1;
    const std::uint64_t s = rng() % 10;
    u.status = s < 7 ? MemberStatus::alive : (s < 9 ? MemberStatus::suspect : MemberStatus::dead);
    const std::uint64_t host = rng();
    u.address =
        Address::v4(10, static_cast<std::uint8_t>(host), static_cast<std::uint8_t>(host >> 8),
                    static_cast<std::uint8_t>(host >> 16), 7946);
    out.push_back(u);
  }
  return out;
}

// A Gossip packet filled by the Packer until the next update no longer fits the budget.
Packet full_gossip_packet() {
  const std::vector<MemberUpdate> pool = make_updates(1000, 1);
  Packer packer(Packet{Gossip{}, {}}, kBudget);
  for (const MemberUpdate& u : pool) {
    if (!packer.try_add(u)) break;
  }
  return packer.packet();
}

void BM_EncodeFullGossip(benchmark::State& state) {
  const Packet packet = full_gossip_packet();
  std::size_t bytes = 0;
  for (auto _ : state) {
    Bytes out = convoy::wire::encode(packet);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(packet.updates.size()));
  state.counters["updates"] = static_cast<double>(packet.updates.size());
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeFullGossip);

void BM_DecodeFullGossip(benchmark::State& state) {
  const Packet packet = full_gossip_packet();
  const Bytes bytes = convoy::wire::encode(packet);
  for (auto _ : state) {
    convoy::wire::DecodeResult r = convoy::wire::decode(bytes, kBudget);
    if (!r.packet) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(r.packet->updates.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(packet.updates.size()));
  state.counters["updates"] = static_cast<double>(packet.updates.size());
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DecodeFullGossip);

// Marginal cost of one accepted try_add (measuring encoded_size + push_back). The budget is
// effectively unlimited so every call succeeds; the packer is rebuilt, untimed, every kBatch
// calls. 512 keeps the update vector small: a few thousand would make it mmap-backed and charge
// page faults to try_add, while a packet-sized batch would be dominated by PauseTiming.
void BM_PackerTryAdd(benchmark::State& state) {
  constexpr std::size_t kBatch = 512;
  const std::vector<MemberUpdate> pool = make_updates(kBatch, 2);
  Packer packer(Packet{Gossip{}, {}}, std::size_t{1} << 40);
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == kBatch) {
      state.PauseTiming();
      packer = Packer(Packet{Gossip{}, {}}, std::size_t{1} << 40);
      i = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(packer.try_add(pool[i++]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PackerTryAdd);

// A refused try_add on a packet already at its budget: the measurement alone, no state change.
void BM_PackerTryAddRefused(benchmark::State& state) {
  const std::vector<MemberUpdate> pool = make_updates(512, 4);
  Packer packer(full_gossip_packet(), kBudget);
  std::size_t i = 0;
  for (auto _ : state) {
    const bool ok = packer.try_add(pool[i]);
    benchmark::DoNotOptimize(ok);
    if (ok) {
      state.SkipWithError("an update fitted a full packet");
      break;
    }
    if (++i == pool.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PackerTryAddRefused);

// What the core pays per datagram: build a Packer for a Gossip body and offer updates until one
// is refused (the refused one included in items, as it costs a measurement too).
void BM_PackerFillToBudget(benchmark::State& state) {
  const std::vector<MemberUpdate> pool = make_updates(4096, 3);
  std::size_t next = 0;
  std::int64_t offered = 0;
  std::size_t packed = 0;
  for (auto _ : state) {
    Packer packer(Packet{Gossip{}, {}}, kBudget);
    for (;;) {
      ++offered;
      const bool ok = packer.try_add(pool[next]);
      next = (next + 1) % pool.size();
      if (!ok) break;
    }
    packed = packer.packet().updates.size();
    benchmark::DoNotOptimize(packer.size());
  }
  state.SetItemsProcessed(offered);
  state.counters["updates"] = static_cast<double>(packed);
}
BENCHMARK(BM_PackerFillToBudget);

}  // namespace

BENCHMARK_MAIN();
