// A counter kept in another member's store, raised with compare-and-set: read the owner's
// current value, ask the owner to replace exactly that version with value + 1, and on a
// conflict (someone else got there first) start again from the value the owner answered with.
// However many counters run at once, no increment is lost and none is counted twice.
//
//   convoy_counter --seed HOST:PORT [--key counter] [--times N] [--bind IP] [--local]
//
// It joins through the seed and keeps the counter in the seed member's store (the member whose
// address is the seed); without a seed, in its own. It prints the value after each increment
// and how many conflicts it met, then leaves.
#include <convoy/host.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace {

void usage() {
  std::cerr << "usage: convoy_counter [--seed HOST:PORT] [--key KEY] [--times N] [--bind IP]"
               " [--local]\n";
  std::exit(2);
}

/// The member at `address`, once the directory has it.
std::optional<convoy::MemberId> member_at(convoy::Host& host, const std::string& address) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const convoy::Member& m : host.directory().all())
      if (m.address.to_string() == address) return m.id;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  convoy::HostOptions options;
  options.port = 0;
  std::string seed;
  std::string key = "counter";
  int times = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--seed")
      seed = next();
    else if (arg == "--key")
      key = next();
    else if (arg == "--times")
      times = std::stoi(next());
    else if (arg == "--bind")
      options.bind_host = next();
    else if (arg == "--local")
      options.config = convoy::Config::local();
    else
      usage();
  }

  std::unique_ptr<convoy::Host> host;
  try {
    host = seed.empty() ? convoy::Host::start(options) : convoy::Host::join(options, {seed});
  } catch (const convoy::Error& e) {
    std::cerr << "convoy_counter: " << e.what() << '\n';
    return 1;
  }
  const std::optional<convoy::MemberId> owner = seed.empty() ? host->id() : member_at(*host, seed);
  if (!owner) {
    std::cerr << "convoy_counter: no member at " << seed << " in the directory\n";
    return 1;
  }
  convoy::MemberStore counter = host->directory().member(*owner).store();

  int conflicts = 0;
  for (int done = 0; done < times;) {
    // Start from our replica; the owner corrects us if it is behind.
    std::optional<convoy::Item> current = counter.get(key);
    for (;;) {
      const long value = current ? std::stol(current->value) : 0;
      const convoy::Expectation expected =
          current ? convoy::Expectation::of(*current) : convoy::Expectation::absent();
      const convoy::WriteResult r = counter.put(key, std::to_string(value + 1), expected);
      if (r.status == convoy::WriteStatus::done) {
        std::printf("%s = %ld\n", key.c_str(), value + 1);
        std::fflush(stdout);
        ++done;
        break;
      }
      if (r.status == convoy::WriteStatus::conflict) {
        ++conflicts;
        current = r.item.deleted ? std::nullopt : std::optional<convoy::Item>(r.item);
        continue;
      }
      // failed (the owner is down) or unknown (its answer was lost: the increment may have
      // happened). Read again and retry; after an unknown answer that may count one increment
      // twice — a program for which that matters writes a token of its own beside the value
      // and looks for it before retrying.
      std::cerr << "convoy_counter: " << convoy::to_string(r.status) << ": " << r.error << '\n';
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      current = counter.get(key);
    }
  }
  std::printf("conflicts %d\n", conflicts);
  host->leave(std::chrono::seconds(3));
  return 0;
}
