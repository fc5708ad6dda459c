// name_this_thread(): see the header.
#include "runtime/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace convoy::runtime {

void name_this_thread(std::string_view name) {
  std::array<char, 16> buffer{};  // the kernel's limit, the terminating zero included
  const std::size_t n = std::min(name.size(), buffer.size() - 1);
  std::copy_n(name.begin(), n, buffer.begin());
  static_cast<void>(pthread_setname_np(pthread_self(), buffer.data()));
}

}  // namespace convoy::runtime
