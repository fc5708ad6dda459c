// Seed corpus for fuzz_decode: one valid packet of every body, with every field of protocol
// version 2 set, written by the codec itself (so the seeds follow the format wherever it goes).
// From nothing, the fuzzer spends its first minutes finding the envelope and protobuf's framing
// and rarely gets a store body past the parser; from these it starts inside the validation rules.
//
//   fuzz_decode_seeds DIR    writes DIR/<name>.bin for each seed, and lists them
#include "wire/codec.hpp"

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace convoy;
using namespace convoy::wire;

constexpr MemberId kId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
constexpr std::uint64_t kEpoch = (std::uint64_t{1} << 32) | 0x9e3779b9ULL;
constexpr std::uint64_t kRequest = 0x9e3779b97f4a7c15ULL;

MemberUpdate member(std::uint8_t last_octet) {
  return MemberUpdate{MemberId{kId.hi, kId.lo + last_octet}, 5, MemberStatus::alive,
                      Address::v4(10, 1, 2, last_octet, 7946)};
}

StoreItem item(std::uint64_t version) {
  return StoreItem{"service/endpoint", std::string(32, 'v'), version, false};
}

StoreSnapshot snapshot() {
  return StoreSnapshot{kId, kEpoch, 3, 0, true, {item(1), item(2), StoreItem{"gone", "", 3, true}}};
}

StoreDigest children(std::uint32_t level, std::uint32_t index) {
  StoreDigest d;
  for (std::uint32_t c = 0; c < 64; ++c)
    d.ranges.push_back(DigestRange{level + 1, (index << kDigestLevelBits) | c, kRequest + c});
  return d;
}

std::vector<std::pair<std::string, Packet>> seeds() {
  const OwnerVersion ov{kId, kEpoch, 42};
  const StoreDelta delta{kId, kEpoch, item(42)};
  const MemberUpdate v6{kId, 7, MemberStatus::suspect, *Address::parse("[2001:db8::17]:7946")};
  return {
      {"ping", Packet{Ping{1000, kId}, {member(1), v6}, {delta}}},
      {"ack", Packet{Ack{1000}, {member(2)}, {}}},
      {"nack", Packet{Nack{1000}, {}, {}}},
      {"ping_req", Packet{PingReq{1000, kId, v6.address, 500}, {}, {}}},
      {"gossip", Packet{Gossip{}, {member(3), member(4)}, {delta, delta}}},
      {"join_request", Packet{JoinRequest{member(5), kRequest}, {}, {}}},
      {"join_response",
       Packet{JoinResponse{{member(1), member(2)}, {snapshot()}, kRequest, ov}, {}, {}}},
      {"join_response_no_joiner_store",
       Packet{JoinResponse{{member(1)}, {}, kRequest, std::nullopt}, {}, {}}},
      {"push_pull_heal", Packet{PushPull{false, {member(1), v6}, true}, {}, {}}},
      {"push_pull_reply", Packet{PushPull{true, {member(2)}, false}, {}, {}}},
      {"digest_root", Packet{StoreDigest{{DigestRange{0, 0, kRequest}}}, {}, {}}},
      {"digest_level1", Packet{children(0, 0), {}, {}}},
      {"digest_level3_last", Packet{children(2, 4095), {}, {}}},
      {"digest_detail", Packet{StoreDigestDetail{{DigestRange{2, 2600, 0}}, {ov, ov}}, {}, {}}},
      {"store_sync", Packet{StoreSync{{snapshot()}, {ov}}, {}, {}}},
      {"store_write",
       Packet{
           StoreWrite{kRequest, kId, "k", "v", 41, false, MemberId{1, 2}, kEpoch, false}, {}, {}}},
      {"store_write_unconditional_erase",
       Packet{StoreWrite{kRequest, kId, "k", "", 0, true, MemberId{1, 2}, 0, true}, {}, {}}},
      {"store_write_result_done", Packet{StoreWriteResult{kRequest, StoreWriteResult::Outcome::done,
                                                          item(42), "", kId, kEpoch},
                                         {},
                                         {}}},
      {"store_write_result_failed",
       Packet{StoreWriteResult{kRequest, StoreWriteResult::Outcome::failed, StoreItem{},
                               "empty key", kId, 0},
              {},
              {}}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  for (const auto& [name, packet] : seeds()) {
    const Bytes bytes = encode(packet);
    // A seed the decoder refuses would teach the fuzzer nothing about the rules behind it.
    if (!decode(bytes, bytes.size()).packet) {
      std::fprintf(stderr, "seed %s does not decode\n", name.c_str());
      return 1;
    }
    const std::string path = std::string(argv[1]) + "/" + name + ".bin";
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
  }
  return 0;
}
