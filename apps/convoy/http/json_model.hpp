// The JSON shape of Convoy's types in the HTTP API: members, items, directory entries, write
// results and events. One place, so every route, the event stream and the dashboard agree, and
// docs/agent.md describes one shape per type. Values are strings of bytes; JSON carries text, so
// bytes that are not valid UTF-8 are replaced (U+FFFD) when rendered (dump_json does that).
#pragma once

#include <convoy/config.hpp>
#include <convoy/directory_entry.hpp>
#include <convoy/event.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace convoy::app {

using Json = nlohmann::ordered_json;

/// {"id", "address", "status", "incarnation", "self"}
[[nodiscard]] Json member_json(const Member& m, const MemberId& self);
/// {"value", "version", "epoch"} (+ "deleted": true for a tombstone)
[[nodiscard]] Json item_json(const Item& item);
/// {"member", "key", "value", "version", "epoch"}
[[nodiscard]] Json entry_json(const DirectoryEntry& e);
/// {"kind", "member", ...}: the fields that the event's kind carries.
[[nodiscard]] Json event_json(const Event& e);

/// Every setting of `config`, by group, durations as text ("500ms").
[[nodiscard]] Json config_json(const Config& config);

/// Renders without throwing on invalid UTF-8 (replaced by U+FFFD).
[[nodiscard]] std::string dump_json(const Json& j);

}  // namespace convoy::app
