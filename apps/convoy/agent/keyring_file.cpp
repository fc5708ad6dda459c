// The keyring file: see keyring_file.hpp.
#include "agent/keyring_file.hpp"

#include "agent/agent_options.hpp"
#include "http1/unique_fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace convoy::app {
namespace {

[[noreturn]] void bad_file(const std::string& path, const std::string& problem) {
  throw OptionError(path + ": " + problem);
}

KeyringContents parse_contents(const std::string& path, const std::string& text) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Not e.what(): nlohmann quotes what it last read, which may be part of a key.
    bad_file(path, "not a keyring file: malformed JSON at byte " + std::to_string(e.byte) +
                       R"( (expected {"keys": ["<base64 key>", ...], "encryption": "required"}))");
  }
  if (!root.is_object())
    bad_file(path, R"(not a keyring file: expected {"keys": [...], "encryption": "..."})");
  for (const auto& [field, value] : root.items())
    if (field != "keys" && field != "encryption")
      bad_file(path,
               "unknown field '" + field + "' (a keyring file has \"keys\" and \"encryption\")");

  KeyringContents out;
  const auto keys = root.find("keys");
  if (keys == root.end() || !keys->is_array())
    bad_file(path, "\"keys\" must be an array of base64 keys (it may be empty)");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const std::string where = "keys[" + std::to_string(i) + "]";
    const auto& key = (*keys)[i];
    if (!key.is_string()) bad_file(path, where + ": expected a base64 key (a string)");
    std::string id;
    try {
      id = parse_security_key(where, key.get<std::string>());
    } catch (const OptionError& e) {
      bad_file(path, e.what());
    }
    if (!ids.insert(id).second) bad_file(path, where + ": key " + id + " is listed twice");
    out.keys.push_back(key.get<std::string>());
  }

  const auto stage = root.find("encryption");
  if (stage == root.end()) {
    out.encryption = out.keys.empty() ? Encryption::off : Encryption::required;
  } else {
    if (!stage->is_string()) bad_file(path, "\"encryption\" must be a string");
    try {
      out.encryption = parse_stage("encryption", stage->get<std::string>());
    } catch (const OptionError& e) {
      bad_file(path, e.what());
    }
  }
  if (out.encryption != Encryption::off && out.keys.empty())
    bad_file(path,
             "encryption " + std::string(to_string(out.encryption)) + " needs a key in \"keys\"");
  return out;
}

std::string render(const KeyringContents& contents) {
  nlohmann::ordered_json root;
  root["keys"] = contents.keys;
  root["encryption"] = std::string(to_string(contents.encryption));
  return root.dump(2) + "\n";
}

std::string errno_text() {
  return std::strerror(errno);
}

/// The temporary file of one write: removed unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : path_(target + ".tmp.XXXXXX") {
    // mkstemp creates the file with mode 0600, whatever the umask.
    fd_ = UniqueFd(::mkstemp(path_.data()));
    if (!fd_.valid())
      throw std::runtime_error("cannot create a temporary file next to " + target + ": " +
                               errno_text());
  }
  ~TempFile() {
    if (!renamed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error("cannot write " + path_ + ": " + errno_text());
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd_.get()) != 0)
      throw std::runtime_error("cannot flush " + path_ + ": " + errno_text());
  }
  void rename_to(const std::string& target) {
    fd_.reset();
    if (::rename(path_.c_str(), target.c_str()) != 0)
      throw std::runtime_error("cannot rename " + path_ + " to " + target + ": " + errno_text());
    renamed_ = true;
  }

 private:
  std::string path_;
  UniqueFd fd_;
  bool renamed_ = false;
};

/// Makes the rename itself durable: without it, a power cut could bring the old file back.
void sync_folder(const std::string& target) {
  std::filesystem::path folder = std::filesystem::path(target).parent_path();
  if (folder.empty()) folder = ".";
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) (void)::fsync(dir.get());  // best effort: the file itself is complete
}

}  // namespace

std::optional<KeyringContents> read_keyring_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
  if (status.type() == std::filesystem::file_type::directory)
    bad_file(path, "is a directory, not a keyring file");
  std::ifstream in(path, std::ios::binary);
  if (!in) bad_file(path, "cannot read the keyring file: " + errno_text());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) bad_file(path, "cannot read the keyring file");
  return parse_contents(path, text.str());
}

void write_keyring_file(const std::string& path, const KeyringContents& contents) {
  TempFile temp(path);
  temp.write_all(render(contents));
  temp.rename_to(path);
  sync_folder(path);
}

bool others_may_read(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

}  // namespace convoy::app
