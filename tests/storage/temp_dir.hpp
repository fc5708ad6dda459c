// TempDir: a fresh directory under /tmp for one test, removed with everything in it when the test
// ends, pass or fail. mkdtemp, so parallel test processes never share one.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace convoy::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string name = "/tmp/convoy-storage-XXXXXX";
    if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// The path of `name` inside this directory, as a string (what StorageOptions wants).
  [[nodiscard]] std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace convoy::storage::testing
