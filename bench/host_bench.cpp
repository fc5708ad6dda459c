// The Host, measured through its public API, while the protocol runs.
//
// Directory reads and searches: N real hosts in this process (N = CONVOY_BENCH_MEMBERS, 1,000 by
// default), each a full member over 127.0.0.1 with 10 keys in its store, gossiping with WAN
// timings (a probe every 5 s per host: 1,000 hosts on 2 cores cannot keep LAN timings), so one
// host's directory holds N members and 10 N items, kept up to date by real traffic while the
// reads run. What is measured is one reader thread on that host: the snapshot it reads is
// replaced by the protocol thread as updates arrive (a writer host puts a key every 100 ms
// throughout).
//
// Put throughput: one host alone, store().put from 1 and from 4 threads, in memory, on LMDB with
// Durability::each_write (an fsync per write) and with Durability::batched (writes that arrive
// together share one commit and one fsync).
//
// Results and the command: docs/runtime.md, "Measured".
#include <convoy/host.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

convoy::HostOptions options(convoy::Config config) {
  convoy::HostOptions o;
  o.bind_host = "127.0.0.1";
  o.port = 0;
  o.config = config;
  o.log_level = convoy::LogLevel::error;
  o.join_timeout = 120s;
  o.leave_timeout = 100ms;
  return o;
}

/// N hosts with 10 keys each, and host 0's directory holding all of them.
struct Cluster {
  std::vector<std::unique_ptr<convoy::Host>> hosts;
  std::vector<convoy::MemberId> ids;
  std::atomic<bool> stop{false};
  std::thread writer;

  explicit Cluster(std::size_t n) {
    const auto started = std::chrono::steady_clock::now();
    hosts.push_back(convoy::Host::start(options(convoy::Config::wan())));
    const std::string seed = hosts[0]->address().to_string();
    std::atomic<std::size_t> written{0};
    auto fill = [&](convoy::Host& h) {
      ids.push_back(h.id());
      // Asynchronous: 10 N synchronous puts, each waiting for its host's turn on a machine this
      // loaded, took longer than the joins themselves.
      convoy::MemberStore own = h.directory().member(h.id()).store();
      for (int k = 0; k < 10; ++k)
        own.put_async("key" + std::to_string(k),
                      "value-" + std::to_string(k) + "-" + h.id().to_string().substr(0, 8),
                      std::nullopt, [&written](const convoy::WriteResult&) { ++written; });
    };
    fill(*hosts[0]);
    for (std::size_t i = 1; i < n; ++i) {
      hosts.push_back(convoy::Host::join(options(convoy::Config::wan()), {seed}));
      fill(*hosts.back());
      if (i % 100 == 0)
        std::fprintf(
            stderr, "%zu hosts joined after %.1f s\n", i + 1,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    while (written.load() < 10 * n) std::this_thread::sleep_for(10ms);
    // Wait (bounded) until host 0 holds every member and every item.
    const auto deadline = std::chrono::steady_clock::now() + 600s;
    std::size_t items = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      items =
          hosts[0]->directory().search([](const convoy::DirectoryEntry&) { return true; }).size();
      if (hosts[0]->directory().all().size() == n && items == 10 * n) break;
      std::this_thread::sleep_for(50ms);
    }
    std::fprintf(stderr, "%zu hosts formed in %.1f s; host 0 sees %zu members, %zu items\n", n,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                 hosts[0]->directory().all().size(), items);
    // The protocol keeps running and the directory keeps changing while the reads are measured.
    writer = std::thread([this] {
      for (long i = 0; !stop.load(); ++i) {
        hosts.back()->store().put("ticker", std::to_string(i));
        std::this_thread::sleep_for(100ms);
      }
    });
  }
  ~Cluster() {
    stop = true;
    writer.join();
    std::vector<std::thread> stopping;
    for (auto& h : hosts) stopping.emplace_back([&h] { h->shutdown(); });
    for (auto& t : stopping) t.join();
  }
};

Cluster* cluster = nullptr;

void BM_DirectoryValue(benchmark::State& state) {
  convoy::Directory& d = cluster->hosts[0]->directory();
  std::mt19937 rng(1);
  std::uniform_int_distribution<std::size_t> pick(0, cluster->ids.size() - 1);
  for (auto _ : state) benchmark::DoNotOptimize(d.value(cluster->ids[pick(rng)], "key3"));
}

void BM_DirectoryMemberInfo(benchmark::State& state) {
  convoy::Directory& d = cluster->hosts[0]->directory();
  std::mt19937 rng(2);
  std::uniform_int_distribution<std::size_t> pick(0, cluster->ids.size() - 1);
  for (auto _ : state) benchmark::DoNotOptimize(d.member(cluster->ids[pick(rng)]).info());
}

void BM_DirectoryAll(benchmark::State& state) {
  convoy::Directory& d = cluster->hosts[0]->directory();
  for (auto _ : state) benchmark::DoNotOptimize(d.all());
}

void BM_DirectoryFindByKey(benchmark::State& state) {
  convoy::Directory& d = cluster->hosts[0]->directory();
  for (auto _ : state) benchmark::DoNotOptimize(d.find_by_key("key3"));
}

/// A predicate over every item of every member: the full scan, matching one item.
void BM_DirectorySearch(benchmark::State& state) {
  convoy::Directory& d = cluster->hosts[0]->directory();
  const std::string wanted =
      "value-7-" + cluster->ids[cluster->ids.size() / 2].to_string().substr(0, 8);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        d.search([&](const convoy::DirectoryEntry& e) { return e.item.value == wanted; }));
}

/// store().put on a host alone; Arg 0 in memory, 1 LMDB each_write, 2 LMDB batched.
std::unique_ptr<convoy::Host> put_host;
std::filesystem::path put_dir;

void SetUpPutHost(const benchmark::State& state) {
  if (state.thread_index() != 0) return;
  convoy::HostOptions o = options(convoy::Config::lan());
  if (state.range(0) > 0) {
    std::string name = "/tmp/convoy-host-bench-XXXXXX";
    if (mkdtemp(name.data()) == nullptr) std::abort();
    put_dir = name;
    o.data_dir = (put_dir / "data").string();
    o.durability =
        state.range(0) == 1 ? convoy::Durability::each_write : convoy::Durability::batched;
  }
  put_host = convoy::Host::start(o);
}

void TearDownPutHost(const benchmark::State& state) {
  if (state.thread_index() != 0) return;
  put_host->shutdown();
  put_host.reset();
  if (!put_dir.empty()) std::filesystem::remove_all(put_dir);
  put_dir.clear();
}

void BM_Put(benchmark::State& state) {
  const std::string prefix = "t" + std::to_string(state.thread_index()) + "-";
  const std::string value(100, 'v');
  long i = 0;
  for (auto _ : state) {
    const auto r = put_host->store().put(prefix + std::to_string(i++ % 1000), value);
    if (r.status != convoy::WriteStatus::done) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  // The cluster is formed before any benchmark runs, unless the filter picks only puts (read
  // before Initialize, which takes the benchmark flags out of argv).
  bool puts_only = false;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).find("--benchmark_filter=BM_Put") == 0) puts_only = true;
  benchmark::Initialize(&argc, argv);
  const char* members = std::getenv("CONVOY_BENCH_MEMBERS");
  const std::size_t n = members ? std::strtoul(members, nullptr, 10) : 1000;

  for (int mode = 0; mode < 3; ++mode) {
    const char* names[] = {"BM_Put/memory", "BM_Put/lmdb_each_write", "BM_Put/lmdb_batched"};
    for (int threads : {1, 4})
      benchmark::RegisterBenchmark(names[mode], BM_Put)
          ->Arg(mode)
          ->Threads(threads)
          ->Setup(SetUpPutHost)
          ->Teardown(TearDownPutHost)
          ->UseRealTime();
  }
  if (n > 0) {
    benchmark::RegisterBenchmark("BM_DirectoryValue", BM_DirectoryValue);
    benchmark::RegisterBenchmark("BM_DirectoryMemberInfo", BM_DirectoryMemberInfo);
    benchmark::RegisterBenchmark("BM_DirectoryAll", BM_DirectoryAll);
    benchmark::RegisterBenchmark("BM_DirectoryFindByKey", BM_DirectoryFindByKey);
    benchmark::RegisterBenchmark("BM_DirectorySearch", BM_DirectorySearch);
  }
  std::unique_ptr<Cluster> formed;
  if (n > 0 && !puts_only) {
    formed = std::make_unique<Cluster>(n);
    cluster = formed.get();
  }
  benchmark::RunSpecifiedBenchmarks();
  formed.reset();
  benchmark::Shutdown();
  return 0;
}
