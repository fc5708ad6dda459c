// Security over real sockets: a sealed cluster forms; a member with another key, another cluster
// name or no key is refused and told why; forged and cut-short packets are counted, never
// parsed; encryption is turned on stage by stage and a key is rotated in a running cluster
// without a single packet refused; skipping a stage is what refuses packets (the control that
// shows the rollout test can fail).
#include "host_cluster.hpp"

#include <convoy/security.hpp>

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace convoy {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HostCluster;

const std::vector<std::string> kSecurityReasons{"not_sealed",
                                                "sealed_unexpected",
                                                "sealed_too_short",
                                                "sealed_unsupported_version",
                                                "other_cluster",
                                                "unknown_key",
                                                "forged"};

std::uint64_t rejected(const Host& h, const std::string& reason) {
  for (const auto& [name, count] : h.metrics().rejected_packets)
    if (name == reason) return count;
  ADD_FAILURE() << "no rejected_packets entry named " << reason;
  return 0;
}

/// Every security refusal of every host of `c`, summed.
std::uint64_t security_refusals(HostCluster& c) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    for (const std::string& reason : kSecurityReasons) total += rejected(c[i], reason);
  return total;
}

std::uint64_t deaths(HostCluster& c) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < c.size(); ++i) total += c[i].metrics().members_declared_dead;
  return total;
}

test::Tune sealed_with(std::vector<std::string> keys, std::string cluster = "test") {
  return [keys = std::move(keys), cluster = std::move(cluster)](HostOptions& o, std::size_t) {
    o.security.keys = keys;
    o.security.encryption = Encryption::required;
    o.security.cluster_name = cluster;
  };
}

/// Joins `seed` with `security` and returns the join_failed message ("" if it joined). A
/// refused join ends as soon as the seed's refusal arrives, long before its 30 s budget.
std::string join_refusal(const Host& seed, SecurityOptions security) {
  HostOptions o = test::local_options();
  o.security = std::move(security);
  o.join_timeout = 30s;
  o.log_level = LogLevel::off;
  const auto started = std::chrono::steady_clock::now();
  try {
    auto h = Host::join(o, {test::seed_of(seed)});
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::join_failed) << e.what();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s) << "waited out the join budget";
    EXPECT_NE(std::string(e.what()).find("check that the key, the encryption stage and the "
                                         "cluster name match"),
              std::string::npos)
        << e.what();
    return e.what();
  }
}

/// Sends `bytes` as one datagram from a fresh socket to `to` (an IPv4 address).
void send_raw_datagram(const Address& to, const std::vector<std::uint8_t>& bytes) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in dest{};
  dest.sin_family = AF_INET;
  dest.sin_port = htons(to.port);
  ASSERT_EQ(to.family, Address::Family::v4);
  std::memcpy(&dest.sin_addr, to.ip.data(), 4);
  const auto sent = ::sendto(fd, bytes.data(), bytes.size(), 0,
                             reinterpret_cast<const sockaddr*>(&dest), sizeof dest);
  ::close(fd);
  ASSERT_EQ(sent, static_cast<ssize_t>(bytes.size()));
}

TEST(HostSecurity, ASealedClusterFormsAndRefusesNothing) {
  const std::string key = generate_key();
  HostCluster c(3, sealed_with({key}));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const std::string id = *key_id(key);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const KeyringStatus k = c[i].keyring();
    EXPECT_EQ(k.key_ids, std::vector<std::string>{id});
    EXPECT_EQ(k.encryption, Encryption::required);
    EXPECT_EQ(k.cluster_name, "test");
  }
  // A write travels sealed too.
  ASSERT_EQ(c[0].store().put("k", "v").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[0].id(), "k", "v"); }));
  EXPECT_EQ(security_refusals(c), 0u);
}

TEST(HostSecurity, AJoinerWithAnotherKeyIsRefusedAndToldWhy) {
  HostCluster c(1, sealed_with({generate_key()}));
  const std::string message =
      join_refusal(c[0], SecurityOptions{{generate_key()}, Encryption::required, "test"});
  EXPECT_NE(message.find("refused our packets"), std::string::npos) << message;
  EXPECT_NE(message.find("key that is not in the keyring"), std::string::npos) << message;
  EXPECT_GT(rejected(c[0], "unknown_key"), 0u);
}

TEST(HostSecurity, AClusterOfAnotherNameSharingTheKeyIsRefusedAsAnotherCluster) {
  const std::string key = generate_key();
  HostCluster c(1, sealed_with({key}, "blue"));
  const std::string message =
      join_refusal(c[0], SecurityOptions{{key}, Encryption::required, "green"});
  EXPECT_NE(message.find("another cluster"), std::string::npos) << message;
  EXPECT_GT(rejected(c[0], "other_cluster"), 0u);
}

TEST(HostSecurity, APlaintextJoinerIsRefusedByASealedClusterAndViceVersa) {
  const std::string key = generate_key();
  HostCluster sealed(1, sealed_with({key}));
  std::string message = join_refusal(sealed[0], SecurityOptions{});
  EXPECT_NE(message.find("not sealed and encryption is required"), std::string::npos) << message;
  EXPECT_GT(rejected(sealed[0], "not_sealed"), 0u);

  HostCluster plain(1);
  message = join_refusal(plain[0], SecurityOptions{{key}, Encryption::required, "test"});
  EXPECT_NE(message.find("sealed and encryption is off"), std::string::npos) << message;
  EXPECT_GT(rejected(plain[0], "sealed_unexpected"), 0u);
}

TEST(HostSecurity, ForgedAndCutShortDatagramsAreCountedAndTheClusterCarriesOn) {
  const std::string key = generate_key();
  HostCluster c(2, sealed_with({key}));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const Address target = c[0].address();
  // The sealed magic, version 1, then junk: tag, key id and nonce of nobody.
  std::vector<std::uint8_t> forged(200, 0x5a);
  const std::uint8_t header[] = {'C', 'N', 'V', 'S', 1};
  std::copy(std::begin(header), std::end(header), forged.begin());
  send_raw_datagram(target, forged);
  send_raw_datagram(target, {'C', 'N', 'V', 'S', 1, 0, 0});                    // cut short
  send_raw_datagram(target, {'C', 'N', 'V', 'Y', 2, 0x0a, 0x00, 0x12, 0x00});  // plaintext
  EXPECT_TRUE(eventually([&] {
    return rejected(c[0], "other_cluster") + rejected(c[0], "forged") >= 1 &&
           rejected(c[0], "sealed_too_short") >= 1 && rejected(c[0], "not_sealed") >= 1;
  })) << "other_cluster "
      << rejected(c[0], "other_cluster") << ", forged " << rejected(c[0], "forged")
      << ", too short " << rejected(c[0], "sealed_too_short") << ", not sealed "
      << rejected(c[0], "not_sealed");
  // Refused before the decoder: nothing reached it.
  EXPECT_EQ(rejected(c[0], "malformed") + rejected(c[0], "bad_magic"), 0u);
  ASSERT_EQ(c[0].store().put("after", "yes").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[0].id(), "after", "yes"); }));
}

TEST(HostSecurity, EncryptionTurnedOnStageByStageRefusesNoPacket) {
  HostCluster c(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const std::string key = generate_key();
  const std::uint64_t deaths_before = deaths(c);
  // Each stage reaches every member before any member moves on, with traffic in between.
  for (std::size_t i = 0; i < c.size(); ++i) c[i].install_key(key);
  for (Encryption stage :
       {Encryption::accept_sealed, Encryption::send_sealed, Encryption::required}) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      c[i].set_encryption(stage);
      // News from the member that moved reaches the others while the stages are mixed.
      const std::string value = std::string(to_string(stage));
      ASSERT_EQ(c[i].store().put("stage", value).status, WriteStatus::done);
      EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[i].id(), "stage", value); }))
          << value << " from " << i;
    }
    EXPECT_EQ(security_refusals(c), 0u) << "at stage " << to_string(stage);
  }
  EXPECT_TRUE(eventually([&] { return c.converged(); }));
  EXPECT_EQ(deaths(c), deaths_before);
  // And it is sealed now: a plaintext member cannot join.
  EXPECT_NE(join_refusal(c[0], SecurityOptions{}).find("not sealed"), std::string::npos);
}

TEST(HostSecurity, SkippingAStageRefusesPackets) {
  // The control for the test above: without the middle stages, members refuse each other.
  HostCluster c(3);
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  c[0].install_key(generate_key());
  c[0].set_encryption(Encryption::required);
  EXPECT_TRUE(eventually([&] {
    return rejected(c[0], "not_sealed") > 0 &&
           rejected(c[1], "sealed_unexpected") + rejected(c[2], "sealed_unexpected") > 0;
  }));
}

TEST(HostSecurity, AKeyIsRotatedInARunningClusterWithoutAPacketRefused) {
  const std::string old_key = generate_key();
  HostCluster c(3, sealed_with({old_key}));
  ASSERT_TRUE(eventually([&] { return c.converged(); }));
  const std::uint64_t deaths_before = deaths(c);
  const std::string new_key = generate_key();
  const std::string new_id = *key_id(new_key);
  // Each step on every member before the next step anywhere.
  for (std::size_t i = 0; i < c.size(); ++i) c[i].install_key(new_key);
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i].use_key(new_id);
    // Sealed with the new key, opened by members still sealing with the old one.
    ASSERT_EQ(c[i].store().put("rotated", "yes").status, WriteStatus::done);
    EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[i].id(), "rotated", "yes"); }));
  }
  for (std::size_t i = 0; i < c.size(); ++i) c[i].remove_key(old_key);
  for (std::size_t i = 0; i < c.size(); ++i)
    EXPECT_EQ(c[i].keyring().key_ids, std::vector<std::string>{new_id});
  ASSERT_EQ(c[0].store().put("after", "rotation").status, WriteStatus::done);
  EXPECT_TRUE(eventually([&] { return c.value_everywhere(c[0].id(), "after", "rotation"); }));
  EXPECT_EQ(security_refusals(c), 0u);
  EXPECT_EQ(deaths(c), deaths_before);

  // The old key no longer gets in; the new one does.
  EXPECT_NE(join_refusal(c[0], SecurityOptions{{old_key}, Encryption::required, "test"})
                .find("not in the keyring"),
            std::string::npos);
  c.add(sealed_with({new_key}));
  EXPECT_TRUE(eventually([&] { return c.converged(); }));
}

TEST(HostSecurity, KeyringChangesThatCannotBeMadeSayWhyAndChangeNothing) {
  const std::string key = generate_key();
  HostCluster c(1, sealed_with({key}));
  auto refused = [&](const std::function<void()>& change, const std::string& says) {
    try {
      change();
      ADD_FAILURE() << "accepted; expected: " << says;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused([&] { c[0].install_key("not a key"); }, "not a key");
  refused([&] { c[0].use_key(*key_id(generate_key())); }, "not installed");
  refused([&] { c[0].use_key("zzzz"); }, "neither a key id");
  refused([&] { c[0].remove_key(key); }, "is the primary");
  refused([&] { c[0].remove_key(generate_key()); }, "not installed");
  EXPECT_EQ(c[0].keyring().key_ids, std::vector<std::string>{*key_id(key)});

  HostCluster plain(1);
  refused([&] { plain[0].set_encryption(Encryption::send_sealed); }, "needs a key");
  EXPECT_EQ(plain[0].keyring().encryption, Encryption::off);
}

TEST(HostSecurity, OptionsThatContradictThemselvesAreRefusedAtStart) {
  auto start_error = [](SecurityOptions s) -> std::string {
    HostOptions o = test::local_options();
    o.security = std::move(s);
    try {
      auto h = Host::start(o);
      return "";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_config) << e.what();
      return e.what();
    }
  };
  const std::string key = generate_key();
  EXPECT_NE(start_error({{}, Encryption::required, ""}).find("needs at least one key"),
            std::string::npos);
  EXPECT_NE(start_error({{"short"}, Encryption::required, ""}).find("security.keys[0]"),
            std::string::npos);
  EXPECT_NE(start_error({{key, key}, Encryption::required, ""}).find("listed twice"),
            std::string::npos);
  EXPECT_NE(start_error({{key}, Encryption::required, std::string(256, 'n')}).find("cluster_name"),
            std::string::npos);
  EXPECT_EQ(start_error({{key}, Encryption::required, std::string(255, 'n')}), "");
}

TEST(HostSecurity, KeysWithoutAStageRequireSealingAndKeysWithOffWaitInstalled) {
  const std::string key = generate_key();
  HostOptions o = test::local_options();
  o.security.keys = {key};
  auto sealed = Host::start(o);
  EXPECT_EQ(sealed->keyring().encryption, Encryption::required);
  // Off with a key: installed, not used (a rollout's first step, or a member joining one).
  o.security.encryption = Encryption::off;
  auto waiting = Host::start(o);
  EXPECT_EQ(waiting->keyring().encryption, Encryption::off);
  EXPECT_EQ(waiting->keyring().key_ids, std::vector<std::string>{*key_id(key)});
  waiting->set_encryption(Encryption::accept_sealed);  // no install needed
  EXPECT_EQ(waiting->keyring().encryption, Encryption::accept_sealed);
}

TEST(HostSecurity, KeysAndStagesHaveStableNames) {
  const std::string key = generate_key();
  EXPECT_EQ(key.size(), 44u);
  EXPECT_NE(generate_key(), key);
  ASSERT_TRUE(key_id(key));
  EXPECT_EQ(key_id(key)->size(), 8u);
  EXPECT_FALSE(key_id("nope"));
  EXPECT_TRUE(is_key_id(*key_id(key)));
  EXPECT_TRUE(is_key_id("0A1b2C3d"));
  for (const char* bad : {"0a1b2c3", "0a1b2c3d4", "0a1b2c3g", "", "0x1b2c3d"})
    EXPECT_FALSE(is_key_id(bad)) << bad;
  EXPECT_FALSE(is_key_id(key)) << "a key is not an id";
  for (Encryption e :
       {Encryption::off, Encryption::accept_sealed, Encryption::send_sealed, Encryption::required})
    EXPECT_EQ(parse_encryption(to_string(e)), e);
  EXPECT_EQ(parse_encryption("send-sealed"), Encryption::send_sealed);
  EXPECT_FALSE(parse_encryption("on"));
}

}  // namespace
}  // namespace convoy
