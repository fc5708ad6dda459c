// What sealing costs a packet: seal and open (XChaCha20-Poly1305, src/crypto/sealer.hpp) of a
// probe-sized datagram, a full datagram budget and a large stream message. The figure to compare
// with is the CPU an idle member spends per datagram (docs/results.md): tens of microseconds.
//   build/release/bench/seal_bench
#include "crypto/sealer.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using convoy::crypto::Key;
using convoy::crypto::Keyring;
using convoy::crypto::Sealer;

void BM_Seal(benchmark::State& state) {
  Sealer sealer("bench");
  const Key key = Key::generate();
  const std::vector<std::uint8_t> plaintext(static_cast<std::size_t>(state.range(0)), 0x42);
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    sealer.seal(key, plaintext, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Open(benchmark::State& state) {
  Sealer sealer("bench");
  const Key key = Key::generate();
  const Keyring keyring({key, Key::generate(), Key::generate()});
  const std::vector<std::uint8_t> plaintext(static_cast<std::size_t>(state.range(0)), 0x42);
  std::vector<std::uint8_t> sealed;
  sealer.seal(key, plaintext, sealed);
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    if (sealer.open(keyring, sealed, out)) state.SkipWithError("did not open");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(BM_Seal)->Arg(64)->Arg(1400)->Arg(64 * 1024);
BENCHMARK(BM_Open)->Arg(64)->Arg(1400)->Arg(64 * 1024);

}  // namespace

BENCHMARK_MAIN();
