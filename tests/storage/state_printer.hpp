// How GoogleTest and RapidCheck print a DurableState when two differ: counters, then each item
// (key and value escaped, long values cut), then peers, so a failure message shows what differs
// rather than a dump of object bytes.
#pragma once

#include "storage/storage.hpp"

#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

namespace convoy::storage {

inline std::string printable(std::string_view bytes, std::size_t limit = 40) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

inline void PrintTo(const StoredItem& item, std::ostream* os) {
  *os << "{\"" << printable(item.key) << "\" = \"" << printable(item.value) << "\" v"
      << item.version << (item.deleted ? " deleted}" : "}");
}

inline void PrintTo(const DurableState& state, std::ostream* os) {
  *os << "{id " << state.id.to_string() << ", incarnation " << state.incarnation << ", epoch "
      << state.store_epoch << ", version " << state.store_version << ", gc " << state.gc_version
      << ", items [";
  for (const auto& item : state.items) {
    PrintTo(item, os);
    *os << ' ';
  }
  *os << "], peers [";
  for (const auto& peer : state.known_peers) *os << peer.to_string() << ' ';
  *os << "]}";
}

/// RapidCheck's counterexample output goes through operator<<.
inline std::ostream& operator<<(std::ostream& os, const DurableState& state) {
  PrintTo(state, &os);
  return os;
}

}  // namespace convoy::storage
