// The agent's keyring: which of the keyring file and the configuration wins (and every way to get
// that wrong refused with one line naming what to drop), the keyring file's format, its atomic
// 0600 rewrites, the flags and the config file's [security] table — and, against a real Host,
// that every change made through AgentKeyring lands in the file, that the library's refusals
// pass through unchanged, that a file that cannot be written is reported as such, and that no
// message or log line ever holds a key.
#include "agent/agent_keyring.hpp"
#include "agent/agent_flags.hpp"
#include "agent/agent_options.hpp"
#include "agent/config_file.hpp"
#include "agent/keyring_file.hpp"
#include "agent/log_output.hpp"

#include <convoy/error.hpp>
#include <convoy/host.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace convoy::app {
namespace {

namespace fs = std::filesystem;

/// A folder of its own for each test, removed after it.
class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("convoy-keyring-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  [[nodiscard]] static std::string read(const std::string& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

/// The one-line reason `fn` throws OptionError with ("" when it does not).
template <typename F>
std::string option_error(F&& fn) {
  try {
    fn();
  } catch (const OptionError& e) {
    return e.what();
  }
  return "";
}

std::string keyring_error(const AgentSecurity& security) {
  return option_error([&] { AgentKeyring keyring(security); });
}

const std::string kKeyA = generate_key();
const std::string kKeyB = generate_key();

// --- Which wins ------------------------------------------------------------------------------

TEST_F(KeyringTest, KeysWithoutAStageMeanRequired) {
  AgentSecurity s;
  s.keys = {kKeyA, kKeyB};
  s.cluster_name = "prod";
  const SecurityOptions o = AgentKeyring(s).start_options();
  EXPECT_EQ(o.encryption, Encryption::required);
  EXPECT_EQ(o.keys, (std::vector<std::string>{kKeyA, kKeyB}));
  EXPECT_EQ(o.cluster_name, "prod");

  const SecurityOptions plain = AgentKeyring(AgentSecurity{}).start_options();
  EXPECT_EQ(plain.encryption, Encryption::off);
  EXPECT_TRUE(plain.keys.empty());
}

TEST_F(KeyringTest, AStageWithoutAKeyIsRefusedNamingTheFlag) {
  AgentSecurity s;
  s.encryption = Encryption::accept_sealed;
  const std::string e = keyring_error(s);
  EXPECT_NE(e.find("--encryption"), std::string::npos) << e;
  EXPECT_NE(e.find("accept_sealed needs a key"), std::string::npos) << e;
  EXPECT_NE(e.find("convoy keygen"), std::string::npos) << e;
}

TEST_F(KeyringTest, KeysWithEncryptionOffAreInstalledNotUsed) {
  // A rollout's first step, or a member joining a cluster that is at it.
  AgentSecurity s;
  s.keys = {kKeyA};
  s.encryption = Encryption::off;
  EXPECT_EQ(keyring_error(s), "");
  const SecurityOptions o = AgentKeyring(s).start_options();
  EXPECT_EQ(o.encryption, Encryption::off);
  EXPECT_EQ(o.keys, std::vector<std::string>{kKeyA});
}

TEST_F(KeyringTest, BadAndRepeatedKeysAreRefusedWithoutQuotingThem) {
  AgentSecurity s;
  const std::string almost = kKeyA.substr(0, 40) + "!!!=";
  s.keys = {almost};
  std::string e = keyring_error(s);
  EXPECT_NE(e.find("not a key"), std::string::npos) << e;
  EXPECT_EQ(e.find(almost), std::string::npos) << e;
  s.keys = {kKeyA, kKeyA};
  e = keyring_error(s);
  EXPECT_NE(e.find("is given twice"), std::string::npos) << e;
  EXPECT_NE(e.find(*key_id(kKeyA)), std::string::npos) << e;
  EXPECT_EQ(e.find(kKeyA), std::string::npos) << e;
}

TEST_F(KeyringTest, ALongClusterNameIsRefused) {
  AgentSecurity s;
  s.cluster_name = std::string(256, 'c');
  EXPECT_NE(keyring_error(s).find("--cluster-name"), std::string::npos);
}

TEST_F(KeyringTest, AnExistingKeyringFileWinsAndKeyOrEncryptionWithItIsRefused) {
  KeyringContents stored{{kKeyB, kKeyA}, Encryption::send_sealed};
  write_keyring_file(path("keyring.json"), stored);

  AgentSecurity s;
  s.keyring_file = path("keyring.json");
  s.cluster_name = "prod";
  const AgentKeyring keyring(s);
  const SecurityOptions o = keyring.start_options();
  EXPECT_EQ(o.keys, (std::vector<std::string>{kKeyB, kKeyA}));
  EXPECT_EQ(o.encryption, Encryption::send_sealed);
  EXPECT_EQ(o.cluster_name, "prod");  // not kept in the file: it cannot change at run time
  EXPECT_NE(keyring.describe().find("from the keyring file"), std::string::npos);
  EXPECT_EQ(keyring.describe().find(kKeyA), std::string::npos);

  s.keys = {kKeyA};
  std::string e = keyring_error(s);
  EXPECT_NE(e.find("drop --key"), std::string::npos) << e;
  EXPECT_NE(e.find(path("keyring.json")), std::string::npos) << e;
  s.keys.clear();
  s.encryption = Encryption::required;
  e = keyring_error(s);
  EXPECT_NE(e.find("drop --encryption"), std::string::npos) << e;
}

TEST_F(KeyringTest, AMissingKeyringFileIsCreatedLaterAndItsFolderMustExist) {
  AgentSecurity s;
  s.keys = {kKeyA};
  s.keyring_file = path("keyring.json");
  const AgentKeyring keyring(s);
  EXPECT_NE(keyring.describe().find("is created once the member runs"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("keyring.json")));  // not before the member runs

  s.keyring_file = path("no-such-folder/keyring.json");
  EXPECT_NE(keyring_error(s).find("does not exist"), std::string::npos);
}

TEST_F(KeyringTest, AFileSavedMidRolloutWithKeysButEncryptionOffStartsWithThemInstalled) {
  write_keyring_file(path("keyring.json"), KeyringContents{{kKeyA}, Encryption::off});
  AgentSecurity s;
  s.keyring_file = path("keyring.json");
  const SecurityOptions o = AgentKeyring(s).start_options();
  EXPECT_EQ(o.keys, std::vector<std::string>{kKeyA});
  EXPECT_EQ(o.encryption, Encryption::off);
}

// --- The keyring file --------------------------------------------------------------------------

TEST_F(KeyringTest, TheFileRoundTripsWithMode0600AndNoTemporaryLeft) {
  const std::string file = path("keyring.json");
  EXPECT_FALSE(read_keyring_file(file));
  write_keyring_file(file, KeyringContents{{kKeyA, kKeyB}, Encryption::accept_sealed});
  write_keyring_file(file, KeyringContents{{kKeyB}, Encryption::required});  // replaces it
  const auto back = read_keyring_file(file);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->keys, std::vector<std::string>{kKeyB});
  EXPECT_EQ(back->encryption, Encryption::required);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(others_may_read(file));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(KeyringTest, EncryptionMayBeLeftOutOfTheFile) {
  auto back = read_keyring_file(write("k.json", R"({"keys": [")" + kKeyA + R"("]})"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->encryption, Encryption::required);
  back = read_keyring_file(write("k.json", R"({"keys": []})"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->encryption, Encryption::off);
}

TEST_F(KeyringTest, EveryMalformedFileIsRefusedNamingItWithoutQuotingAKey) {
  const std::string unterminated = R"({"keys": [")" + kKeyA;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "malformed JSON"},
      {unterminated, "malformed JSON"},
      {"[]", "not a keyring file"},
      {R"({"keys": "x"})", "\"keys\" must be an array"},
      {R"({"encryption": "off"})", "\"keys\" must be an array"},
      {R"({"keys": [3]})", "keys[0]: expected a base64 key"},
      {R"({"keys": ["abc"]})", "keys[0]: not a key"},
      {R"({"keys": [")" + kKeyA + R"(", ")" + kKeyA + R"("]})", "keys[1]: key"},
      {R"({"keys": [")" + kKeyA + R"("], "encryption": "loud"})", "unknown encryption stage"},
      {R"({"keys": [")" + kKeyA + R"("], "encryption": 1})", "must be a string"},
      {R"({"keys": [], "encryption": "required"})", "needs a key"},
      {R"({"keys": [], "colour": "blue"})", "unknown field 'colour'"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string file = write("bad.json", text);
    const std::string e = option_error([&] { (void)read_keyring_file(file); });
    EXPECT_EQ(e.rfind(file + ": ", 0), 0u) << text << " -> " << e;
    EXPECT_NE(e.find(expected), std::string::npos) << text << " -> " << e;
    EXPECT_EQ(e.find(kKeyA.substr(0, 20)), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_NE(option_error([&] { (void)read_keyring_file(dir_.string()); }).find("directory"),
            std::string::npos);
}

TEST_F(KeyringTest, AFailedWriteLeavesNoTemporaryBehind) {
  // A rename over a folder that is not empty fails: the temporary file must go.
  fs::create_directories(dir_ / "keyring.json" / "inside");
  EXPECT_THROW(write_keyring_file(path("keyring.json"), KeyringContents{{kKeyA}, Encryption::off}),
               std::runtime_error);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

// --- Flags and config file ------------------------------------------------------------------

AgentOptions parse_flags(std::vector<std::string> args) {
  CLI::App app;
  AgentFlags flags(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  AgentOptions options;
  flags.apply(options);
  return options;
}

TEST(AgentSecurityFlags, TheFourFlagsLandInTheOptions) {
  const AgentOptions o = parse_flags({"--key", kKeyA, "--key", kKeyB, "--encryption", "send-sealed",
                                      "--cluster-name", "prod", "--keyring-file", "/tmp/k.json"});
  EXPECT_EQ(o.security.keys, (std::vector<std::string>{kKeyA, kKeyB}));
  EXPECT_EQ(o.security.encryption, Encryption::send_sealed);
  EXPECT_EQ(o.security.cluster_name, "prod");
  EXPECT_EQ(o.security.keyring_file, "/tmp/k.json");
  EXPECT_FALSE(parse_flags({}).security.encryption);
}

TEST(AgentSecurityFlags, BadValuesNameTheFlagAndNeverTheKey) {
  std::string e = option_error([] { (void)parse_flags({"--encryption", "loud"}); });
  EXPECT_NE(e.find("--encryption: unknown encryption stage 'loud'"), std::string::npos) << e;
  const std::string bad = kKeyA.substr(1);
  e = option_error([&] { (void)parse_flags({"--key", bad}); });
  EXPECT_NE(e.find("--key: not a key"), std::string::npos) << e;
  EXPECT_EQ(e.find(bad), std::string::npos) << e;
  e = option_error([] { (void)parse_flags({"--keyring-file", ""}); });
  EXPECT_NE(e.find("--keyring-file"), std::string::npos) << e;
}

TEST_F(KeyringTest, TheConfigFileHasTheSameSettingsUnderSecurity) {
  AgentOptions o;
  load_config_file(write("agent.toml", "[security]\nkeys = [\"" + kKeyA + "\", \"" + kKeyB +
                                           "\"]\nencryption = \"accept_sealed\"\n"
                                           "cluster_name = \"prod\"\n"
                                           "keyring_file = \"/var/lib/convoy/keyring.json\"\n"),
                   o);
  EXPECT_EQ(o.security.keys, (std::vector<std::string>{kKeyA, kKeyB}));
  EXPECT_EQ(o.security.encryption, Encryption::accept_sealed);
  EXPECT_EQ(o.security.cluster_name, "prod");
  EXPECT_EQ(o.security.keyring_file, "/var/lib/convoy/keyring.json");
}

TEST_F(KeyringTest, TheConfigFilesSecurityErrorsNameLineAndKey) {
  const std::string bad = kKeyA.substr(2);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[security]\nencryption = \"loud\"\n", "agent.toml:2: security.encryption: unknown"},
      {"[security]\nkeys = \"" + kKeyA + "\"\n", "agent.toml:2: security.keys: expected an array"},
      {"[security]\nkeys = [\"" + bad + "\"]\n", "security.keys: not a key"},
      {"[security]\nkeys = [1]\n", "security.keys: expected a string"},
      {"[security]\ncolour = \"blue\"\n", "agent.toml:2: security.colour: unknown key"},
      {"[security]\nkeyring_file = \"\"\n", "security.keyring_file: the path is empty"},
      {"security = 1\n", "security: expected a table"},
  };
  for (const auto& [text, expected] : cases) {
    AgentOptions o;
    // A copy: clang 14 lets no lambda capture a structured binding.
    const std::string file_text = text;
    const std::string e =
        option_error([&] { load_config_file(write("agent.toml", file_text), o); });
    EXPECT_NE(e.find(expected), std::string::npos) << text << " -> " << e;
    EXPECT_EQ(e.find(bad), std::string::npos) << e;
  }
}

TEST(AgentSecurityFlags, FlagsWinOverTheFile) {
  AgentOptions o;
  o.security.keys = {kKeyA};
  o.security.cluster_name = "file";
  CLI::App app;
  AgentFlags flags(app);
  app.parse(std::vector<std::string>{kKeyB, "--key", "flag", "--cluster-name"});
  flags.apply(o);
  EXPECT_EQ(o.security.keys, std::vector<std::string>{kKeyB});
  EXPECT_EQ(o.security.cluster_name, "flag");
}

// --- Against a real member -----------------------------------------------------------------

/// A member on 127.0.0.1 started with `keyring`'s options and attached to it, its log in a file.
class KeyringOnAHost : public KeyringTest {
 protected:
  void start(AgentKeyring& keyring) {
    log_fd_ = ::open(path("agent.log").c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    log_ = std::make_unique<LogOutput>(LogLevel::debug, LogFormat::text, log_fd_);
    HostOptions o;
    o.bind_host = "127.0.0.1";
    o.port = 0;
    o.config = Config::local();
    o.leave_timeout = std::chrono::milliseconds(100);
    o.log_sink = log_->library_sink();
    o.security = keyring.start_options();
    host_ = Host::start(std::move(o));
    keyring.attach(*host_, *log_);
  }
  void TearDown() override {
    host_.reset();
    log_.reset();
    if (log_fd_ >= 0) ::close(log_fd_);
    KeyringTest::TearDown();
  }
  [[nodiscard]] std::vector<std::string> file_keys() const {
    return read_keyring_file(path("keyring.json"))->keys;
  }
  [[nodiscard]] static std::string refusal(const std::function<void()>& change) {
    try {
      change();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
      return e.what();
    }
    return "";
  }

  int log_fd_ = -1;
  std::unique_ptr<LogOutput> log_;
  std::unique_ptr<Host> host_;
};

TEST_F(KeyringOnAHost, ARotationLandsInTheFileAtEveryStep) {
  AgentSecurity s;
  s.keys = {kKeyA};
  s.keyring_file = path("keyring.json");
  AgentKeyring keyring(s);
  start(keyring);
  EXPECT_EQ(file_keys(), std::vector<std::string>{kKeyA});  // created once running

  const std::string a = *key_id(kKeyA), b = *key_id(kKeyB);
  keyring.install(" " + kKeyB + "\n");  // as pasted: the file gets the key alone
  EXPECT_EQ(file_keys(), (std::vector<std::string>{kKeyA, kKeyB}));
  keyring.install(kKeyB);  // again: fine, nothing changes
  keyring.use(b);
  EXPECT_EQ(file_keys(), (std::vector<std::string>{kKeyB, kKeyA}));
  EXPECT_EQ(keyring.status().key_ids, (std::vector<std::string>{b, a}));
  keyring.remove(kKeyA);  // by the key itself
  EXPECT_EQ(file_keys(), std::vector<std::string>{kKeyB});
  keyring.set_encryption(Encryption::send_sealed);
  EXPECT_EQ(read_keyring_file(path("keyring.json"))->encryption, Encryption::send_sealed);

  // The member's refusals pass through as they are, and change nothing.
  EXPECT_NE(refusal([&] { keyring.remove(b); }).find("is the primary"), std::string::npos);
  EXPECT_NE(refusal([&] { keyring.use(a); }).find("not installed"), std::string::npos);
  EXPECT_NE(refusal([&] { keyring.remove(a); }).find("not installed"), std::string::npos);
  EXPECT_EQ(file_keys(), std::vector<std::string>{kKeyB});

  // A restart from the file: the keyring as it was left.
  AgentSecurity again;
  again.keyring_file = path("keyring.json");
  const SecurityOptions o = AgentKeyring(again).start_options();
  EXPECT_EQ(o.keys, std::vector<std::string>{kKeyB});
  EXPECT_EQ(o.encryption, Encryption::send_sealed);

  const std::string log = read(path("agent.log"));
  EXPECT_NE(log.find("installed key " + b), std::string::npos) << log;
  EXPECT_EQ(log.find(kKeyA), std::string::npos) << log;
  EXPECT_EQ(log.find(kKeyB), std::string::npos) << log;
}

TEST_F(KeyringOnAHost, AKeyringSavedWithKeysWhileOffIsRestoredAfterStart) {
  write_keyring_file(path("keyring.json"), KeyringContents{{kKeyA, kKeyB}, Encryption::off});
  AgentSecurity s;
  s.keyring_file = path("keyring.json");
  AgentKeyring keyring(s);
  start(keyring);
  const KeyringStatus status = keyring.status();
  EXPECT_EQ(status.key_ids, (std::vector<std::string>{*key_id(kKeyA), *key_id(kKeyB)}));
  EXPECT_EQ(status.encryption, Encryption::off);
  keyring.set_encryption(Encryption::accept_sealed);  // the rollout goes on from there
  EXPECT_EQ(read_keyring_file(path("keyring.json"))->encryption, Encryption::accept_sealed);
}

TEST_F(KeyringOnAHost, APlaintextMemberCannotMoveOnWithoutAKey) {
  AgentSecurity s;
  s.keyring_file = path("keyring.json");
  AgentKeyring keyring(s);
  start(keyring);
  EXPECT_NE(refusal([&] { keyring.set_encryption(Encryption::required); }).find("needs a key"),
            std::string::npos);
  EXPECT_EQ(read_keyring_file(path("keyring.json"))->encryption, Encryption::off);
}

TEST_F(KeyringOnAHost, AFileThatCannotBeWrittenIsReportedAfterTheMemberChanged) {
  fs::create_directories(dir_ / "sub");
  AgentSecurity s;
  s.keys = {kKeyA};
  s.keyring_file = path("sub/keyring.json");
  AgentKeyring keyring(s);
  start(keyring);
  fs::remove_all(dir_ / "sub");
  try {
    keyring.install(kKeyB);
    ADD_FAILURE() << "no KeyringNotSaved";
  } catch (const KeyringNotSaved& e) {
    EXPECT_NE(std::string(e.what()).find("a restart would bring back"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find(kKeyB), std::string::npos);
  }
  EXPECT_EQ(keyring.status().key_ids.size(), 2u);  // the member has it all the same
}

}  // namespace
}  // namespace convoy::app
