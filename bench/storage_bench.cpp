// Storage put throughput: what one durable write of the own store costs the runtime, one item (a
// 100-byte value) per commit, in the three ways the runtime can run: in memory (the simulator), on
// LMDB flushing every commit (per_commit), and on LMDB with commits grouped and flushed once per 64
// (per_batch, as the runtime does when it acknowledges a burst of writes together). Keys cycle
// over 10,000, so after the first pass every put replaces an existing item, as updates do.
// Figures and the command that produces them: docs/storage_bench.md.
#include "storage/memory_storage.hpp"
#include "storage/storage.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using convoy::MemberId;
using convoy::storage::Batch;
using convoy::storage::Storage;
using convoy::storage::SyncMode;

constexpr std::size_t kGroup = 64;  // commits per benchmark iteration, and per sync in per_batch
constexpr std::uint64_t kKeys = 10'000;
const MemberId kId{0xBE7C, 1};

// A data dir under /tmp (a real disk here, so fsync costs what it costs), removed afterwards.
class BenchDir {
 public:
  BenchDir() {
    std::string name = "/tmp/convoy-storage-bench-XXXXXX";
    if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  [[nodiscard]] std::string data_dir() const { return (path_ / "data").string(); }

 private:
  std::filesystem::path path_;
};

// The batches, built before timing: the benchmark measures storage, not string building.
std::vector<Batch> make_puts() {
  std::vector<Batch> batches;
  batches.reserve(kKeys);
  for (std::uint64_t i = 0; i < kKeys; ++i) {
    Batch b{.store_version = i + 1};
    b.put_items.push_back({"key/" + std::to_string(i), std::string(100, 'v'), i + 1, false});
    batches.push_back(std::move(b));
  }
  return batches;
}

// Every group of kGroup commits ends with sync(), a no-op for memory and per_commit: the loop is
// the runtime's, whatever the mode.
void run_puts(benchmark::State& state, Storage& storage) {
  const auto batches = make_puts();
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kGroup; ++i) {
      storage.commit(batches[next]);
      next = (next + 1) % batches.size();
    }
    storage.sync();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kGroup));
}

void BM_PutMemory(benchmark::State& state) {
  convoy::storage::MemoryStorage storage(kId);
  run_puts(state, storage);
}
BENCHMARK(BM_PutMemory);

void BM_PutLmdbPerCommit(benchmark::State& state) {
  const BenchDir dir;
  const auto storage = convoy::storage::open_lmdb({.data_dir = dir.data_dir()}, kId);
  run_puts(state, *storage);
}
BENCHMARK(BM_PutLmdbPerCommit)->UseRealTime();

void BM_PutLmdbPerBatch(benchmark::State& state) {
  const BenchDir dir;
  const auto storage =
      convoy::storage::open_lmdb({.data_dir = dir.data_dir(), .sync = SyncMode::per_batch}, kId);
  run_puts(state, *storage);
}
BENCHMARK(BM_PutLmdbPerBatch)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
