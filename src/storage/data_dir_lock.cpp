// DataDirLock: see data_dir_lock.hpp.
#include "storage/data_dir_lock.hpp"

#include <convoy/error.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace convoy::storage {
namespace {

// The holder's pid as written in the lock file, or "" if it has not written it yet (it takes the
// lock before writing) or the file holds something else.
std::string read_holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  return text;
}

// Who holds the lock and what to do about it: the part of the message after "is in use by".
std::string holder_and_advice(const std::string& pid) {
  if (pid == std::to_string(getpid())) {
    return "this process (pid " + pid + "): another Storage has it open; close that one first";
  }
  const auto holder = pid.empty() ? std::string("another process") : "process " + pid;
  return holder + "; stop it or pick another data dir";
}

}  // namespace

DataDirLock::DataDirLock(const std::filesystem::path& dir) {
  const auto path = dir / kFileName;
  // O_CLOEXEC: a program this process starts must not inherit, and so keep, the lock.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error(ErrorCode::io, "cannot open lock file " + path.string() + ": " +
                                   std::strerror(errno) +
                                   "; check that the data dir is writable by this user");
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = err == EWOULDBLOCK ? read_holder_pid(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw Error(ErrorCode::data_dir_locked,
                  "data dir " + dir.string() + " is in use by " + holder_and_advice(pid));
    }
    throw Error(ErrorCode::io,
                "cannot lock " + path.string() + ": " + std::strerror(err) +
                    "; the data dir must be on a local file system that supports flock");
  }
  // The pid is for the message above only; the lock itself is what excludes. A failure to write
  // it costs a vaguer message, so it is not an error.
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

}  // namespace convoy::storage
