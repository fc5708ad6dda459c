// Event: the one vocabulary of change that Convoy reports, for membership and for keys alike.
// Subscriptions deliver them, filtered by EventFilter; the protocol engine tells its driver the
// same events, so the library, the agent's event stream and the simulator's figures all speak
// one language.
#pragma once

#include <convoy/address.hpp>
#include <convoy/member_id.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace convoy {

struct Event {
  enum class Kind : std::uint8_t {
    // Another member, as this member sees it.
    member_joined,   ///< first heard of as alive, or back after having left
    member_suspect,  ///< suspected of having failed
    member_alive,    ///< alive again: refuted a suspicion, or back from dead (higher incarnation)
    member_dead,     ///< declared failed
    member_left,     ///< departed gracefully
    member_evicted,  ///< removed by an administrator; does not come back
    member_reaped,   ///< dead, left or evicted long enough to be forgotten
    // A member's store (this member's own included).
    key_set,      ///< `key` now holds `value` at `version`
    key_deleted,  ///< `key` was deleted (or vanished with its store's previous life)
    // This member itself.
    joined,       ///< the join through a seed succeeded
    join_failed,  ///< no seed answered: `detail` says what was tried
    refuted,      ///< this member refuted a suspicion or death of itself (new incarnation)
    rejoined,     ///< the cluster had declared this member dead; it is back, same id and store
    conflict,     ///< another process claims this member's id at `address` (`detail` says)
    evicted,      ///< the cluster evicted this member: it has stopped for good
    // The subscription itself.
    overflow,  ///< `dropped` events were lost because the subscriber read too slowly
  };

  Kind kind = Kind::overflow;
  /// The member the event is about (this member itself for `joined` ... `evicted`).
  MemberId member;
  /// Member events: the member's incarnation with this change.
  std::uint64_t incarnation = 0;
  /// Member events: the member's address.
  Address address;
  /// Key events.
  std::string key;
  std::string value;          ///< key_set
  std::uint64_t version = 0;  ///< key events: the item's version
  /// overflow: how many events were lost.
  std::uint64_t dropped = 0;
  /// join_failed, conflict: what happened, for people.
  std::string detail;

  [[nodiscard]] bool is_member_event() const {
    return kind >= Kind::member_joined && kind <= Kind::member_reaped;
  }
  [[nodiscard]] bool is_key_event() const {
    return kind == Kind::key_set || kind == Kind::key_deleted;
  }
  [[nodiscard]] bool is_self_event() const { return kind >= Kind::joined && kind <= Kind::evicted; }
};

/// "member_joined", "key_set", ...: stable names for logs and JSON.
[[nodiscard]] constexpr std::string_view to_string(Event::Kind kind) {
  switch (kind) {
    case Event::Kind::member_joined:
      return "member_joined";
    case Event::Kind::member_suspect:
      return "member_suspect";
    case Event::Kind::member_alive:
      return "member_alive";
    case Event::Kind::member_dead:
      return "member_dead";
    case Event::Kind::member_left:
      return "member_left";
    case Event::Kind::member_evicted:
      return "member_evicted";
    case Event::Kind::member_reaped:
      return "member_reaped";
    case Event::Kind::key_set:
      return "key_set";
    case Event::Kind::key_deleted:
      return "key_deleted";
    case Event::Kind::joined:
      return "joined";
    case Event::Kind::join_failed:
      return "join_failed";
    case Event::Kind::refuted:
      return "refuted";
    case Event::Kind::rejoined:
      return "rejoined";
    case Event::Kind::conflict:
      return "conflict";
    case Event::Kind::evicted:
      return "evicted";
    case Event::Kind::overflow:
      return "overflow";
  }
  return "unknown";
}

/// Which events a subscription receives. The default receives everything. An `overflow` event
/// always passes: a loss must reach the subscriber whatever it filters on.
struct EventFilter {
  bool members = true;             ///< membership changes of other members
  bool keys = true;                ///< key set / deleted
  bool self = true;                ///< this member's own lifecycle (joined, refuted, evicted...)
  std::optional<MemberId> member;  ///< only events about this member
  std::string key_prefix;          ///< key events: only keys starting with this

  [[nodiscard]] bool passes(const Event& e) const {
    if (e.kind == Event::Kind::overflow) return true;
    if (member && *member != e.member) return false;
    if (e.is_member_event()) return members;
    if (e.is_self_event()) return self;
    return keys && e.key.starts_with(key_prefix);
  }
};

}  // namespace convoy
