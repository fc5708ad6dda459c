// SelfUsage: see self_usage.hpp.
#include "bench/self_usage.hpp"

#include <sys/resource.h>

namespace convoy::app {
namespace {

std::chrono::nanoseconds to_nanos(const timeval& t) {
  return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}

}  // namespace

SelfUsage SelfUsage::now() {
  rusage r{};
  ::getrusage(RUSAGE_SELF, &r);
  SelfUsage u;
  u.cpu = to_nanos(r.ru_utime) + to_nanos(r.ru_stime);
  u.voluntary_switches = static_cast<std::uint64_t>(r.ru_nvcsw);
  u.involuntary_switches = static_cast<std::uint64_t>(r.ru_nivcsw);
  return u;
}

SelfUsage operator-(const SelfUsage& a, const SelfUsage& b) {
  return SelfUsage{a.cpu - b.cpu, a.voluntary_switches - b.voluntary_switches,
                   a.involuntary_switches - b.involuntary_switches};
}

}  // namespace convoy::app
