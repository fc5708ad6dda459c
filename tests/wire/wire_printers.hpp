// Printers for the wire messages, so that a failing test or property shows values rather than
// byte dumps. Only wire types get printers, and only here: wire_tests links no other definition
// of them (they are inline so that every test file of the binary may include this header).
#pragma once

#include "wire/codec.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace convoy::wire {

namespace print_detail {

// Keys and values are arbitrary bytes: printed escaped, and long ones cut short.
struct Quoted {
  std::string_view bytes;
};

inline std::ostream& operator<<(std::ostream& os, Quoted q) {
  constexpr std::size_t kShown = 24;
  os << '"';
  for (std::size_t i = 0; i < std::min(q.bytes.size(), kShown); ++i) {
    const auto c = static_cast<unsigned char>(q.bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      os << static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      os << hex;
    }
  }
  os << '"';
  if (q.bytes.size() > kShown) os << "...(" << q.bytes.size() << " bytes)";
  return os;
}

}  // namespace print_detail

inline std::ostream& operator<<(std::ostream& os, DecodeError e) {
  return os << to_string(e);
}

inline std::ostream& operator<<(std::ostream& os, const MemberUpdate& u) {
  return os << '{' << u.id.to_string() << " inc=" << u.incarnation << ' ' << to_string(u.status)
            << ' ' << u.address.to_string()
            << (u.reporter.is_nil() ? std::string() : " by " + u.reporter.to_string()) << '}';
}

inline std::ostream& operator<<(std::ostream& os, const StoreItem& i) {
  using print_detail::Quoted;
  return os << '{' << Quoted{i.key} << " v" << i.version << ' '
            << (i.deleted ? std::string("deleted") : "=") << Quoted{i.value} << '}';
}

inline std::ostream& operator<<(std::ostream& os, const StoreDelta& d) {
  return os << '{' << d.owner.to_string() << " e" << d.epoch << ' ' << d.item << '}';
}

inline std::ostream& operator<<(std::ostream& os, const OwnerVersion& v) {
  return os << '{' << v.owner.to_string() << " e" << v.epoch << " v" << v.version << '}';
}

inline std::ostream& operator<<(std::ostream& os, const DigestRange& r) {
  return os << "{L" << r.level << " #" << r.index << " h" << std::hex << r.hash << std::dec << '}';
}

inline std::ostream& operator<<(std::ostream& os, const StoreSnapshot& s) {
  os << '{' << s.owner.to_string() << " e" << s.epoch << " v" << s.version << " since " << s.since
     << (s.complete ? " complete [" : " [");
  for (const StoreItem& i : s.items) os << i << ' ';
  return os << "]}";
}

namespace print_detail {

template <typename T>
void print_list(std::ostream& os, const std::vector<T>& list) {
  constexpr std::size_t kShown = 16;  // a digest may hold 4,096 ranges
  os << '[';
  for (std::size_t i = 0; i < std::min(list.size(), kShown); ++i) os << list[i] << ' ';
  if (list.size() > kShown) os << "...(" << list.size() << " in all)";
  os << ']';
}

struct BodyPrinter {
  std::ostream& os;
  void operator()(const Ping& b) const {
    os << "Ping{" << b.seq << ' ' << b.target.to_string() << '}';
  }
  void operator()(const Ack& b) const { os << "Ack{" << b.seq << '}'; }
  void operator()(const Nack& b) const { os << "Nack{" << b.seq << '}'; }
  void operator()(const Push& b) const { os << "Push{" << b.sender.to_string() << '}'; }
  void operator()(const Prune& b) const { os << "Prune{" << b.sender.to_string() << '}'; }
  void operator()(const PingReq& b) const {
    os << "PingReq{" << b.seq << ' ' << b.target.to_string() << ' ' << b.target_address.to_string()
       << " nack_after_ms=" << b.nack_after_ms << '}';
  }
  void operator()(const Gossip&) const { os << "Gossip{}"; }
  void operator()(const JoinRequest& b) const {
    os << "JoinRequest{" << b.self << " request=" << b.request << '}';
  }
  void operator()(const JoinResponse& b) const {
    os << "JoinResponse{request=" << b.request << ' ';
    print_list(os, b.members);
    os << " stores=";
    print_list(os, b.stores);
    os << " joiner_store=";
    if (b.joiner_store) {
      os << *b.joiner_store;
    } else {
      os << "none";
    }
    os << '}';
  }
  void operator()(const PushPull& b) const {
    os << "PushPull{reply=" << b.reply << " heal=" << b.heal << " hash=" << b.members_hash
       << " send_yours=" << b.send_yours << ' ';
    print_list(os, b.members);
    os << '}';
  }
  void operator()(const StoreDigest& b) const {
    os << "StoreDigest{";
    print_list(os, b.ranges);
    os << '}';
  }
  void operator()(const StoreDigestDetail& b) const {
    os << "StoreDigestDetail{";
    print_list(os, b.ranges);
    os << ' ';
    print_list(os, b.owners);
    os << '}';
  }
  void operator()(const StoreSync& b) const {
    os << "StoreSync{";
    print_list(os, b.snapshots);
    os << " wants=";
    print_list(os, b.wants);
    os << '}';
  }
  void operator()(const StoreWrite& b) const {
    os << "StoreWrite{" << b.request << " from " << b.requester.to_string() << " to "
       << b.owner.to_string() << ' ' << Quoted{b.key} << (b.erase ? std::string(" erase") : " =")
       << Quoted{b.value} << " expect e" << b.expected_epoch << " v" << b.expected_version
       << (b.unconditional ? " unconditional}" : "}");
  }
  void operator()(const StoreWriteResult& b) const {
    os << "StoreWriteResult{" << b.request << " from " << b.owner.to_string() << " outcome "
       << static_cast<int>(b.outcome) << " e" << b.epoch << ' ' << b.item << ' ' << Quoted{b.error}
       << '}';
  }
};

}  // namespace print_detail

inline std::ostream& operator<<(std::ostream& os, const Packet& p) {
  std::visit(print_detail::BodyPrinter{os}, p.body);
  os << " updates=";
  print_detail::print_list(os, p.updates);
  os << " deltas=";
  print_detail::print_list(os, p.deltas);
  return os;
}

}  // namespace convoy::wire
