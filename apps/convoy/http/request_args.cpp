// Request readers: see request_args.hpp.
#include "http/request_args.hpp"

#include "http/api_response.hpp"

#include <charconv>

namespace convoy::app {
namespace {

std::uint64_t to_uint(const std::string& name, const std::string& text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw ApiError(400, "bad_request",
                   "bad " + name + " '" + text + "': expected a non-negative integer",
                   Json{{"parameter", name}});
  return v;
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// Keys are text in this API (they travel in URLs and JSON); the store refuses other bytes too.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

std::optional<std::uint64_t> query_uint(const HttpRequest& req, const std::string& name) {
  auto text = req.query_value(name);
  if (!text) return std::nullopt;
  return to_uint(name, *text);
}

bool query_flag(const HttpRequest& req, const std::string& name, bool fallback) {
  auto text = req.query_value(name);
  if (!text) return fallback;
  const std::string v = *text;
  if (v == "1" || v == "true" || v == "yes" || v.empty()) return true;
  if (v == "0" || v == "false" || v == "no") return false;
  throw ApiError(400, "bad_request", "bad " + name + " '" + v + "': expected 1 or 0",
                 Json{{"parameter", name}});
}

std::optional<std::string> query_text(const HttpRequest& req, const std::string& name) {
  return req.query_value(name);
}

std::optional<Expectation> query_expectation(const HttpRequest& req) {
  auto version = query_uint(req, "expect");
  auto epoch = query_uint(req, "epoch");
  if (epoch && !version)
    throw ApiError(400, "bad_request", "epoch needs expect (?expect=VERSION&epoch=EPOCH)",
                   Json{{"parameter", "epoch"}});
  if (!version) return std::nullopt;
  return Expectation{*version, epoch.value_or(0)};
}

WriteRequest parse_write(const HttpRequest& req) {
  const std::string type = req.header("Content-Type");
  if (type.rfind("application/json", 0) != 0) return {req.body, query_expectation(req)};

  if (req.has_query("expect") || req.has_query("epoch"))
    throw ApiError(400, "bad_request",
                   "give the expectation in the JSON body or in the query, not both");
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::exception& e) {
    throw ApiError(400, "bad_json", std::string("malformed JSON body: ") + e.what());
  }
  if (!body.is_object())
    throw ApiError(400, "bad_json", "the JSON body must be an object {\"value\": \"...\"}");
  for (const auto& [k, v] : body.items())
    if (k != "value" && k != "expect" && k != "epoch")
      throw ApiError(400, "bad_json", "unknown field '" + k + "' in the JSON body",
                     Json{{"field", k}});
  auto value = body.find("value");
  if (value == body.end() || !value->is_string())
    throw ApiError(400, "bad_json", "the JSON body needs \"value\", a string",
                   Json{{"field", "value"}});
  WriteRequest out{value->get<std::string>(), std::nullopt};
  auto read_uint = [&](const char* name) -> std::optional<std::uint64_t> {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_unsigned())
      throw ApiError(400, "bad_json",
                     std::string("\"") + name + "\" must be a non-negative integer",
                     Json{{"field", name}});
    return it->get<std::uint64_t>();
  };
  auto version = read_uint("expect");
  auto epoch = read_uint("epoch");
  if (epoch && !version)
    throw ApiError(400, "bad_json", "\"epoch\" needs \"expect\"", Json{{"field", "epoch"}});
  if (version) out.expected = Expectation{*version, epoch.value_or(0)};
  return out;
}

MemberId resolve_member(Host& host, std::string_view text) {
  const Json where{{"member", std::string(text)}};
  if (text.size() < 4 || text.size() > 32 || !is_hex(text))
    throw ApiError(400, "bad_member_id",
                   "bad member id '" + std::string(text) +
                       "': expected 32 hex digits or a unique prefix of at least 4",
                   where);
  if (text.size() == 32) {
    auto id = MemberId::parse(text);
    if (!id) throw ApiError(400, "bad_member_id", "bad member id '" + std::string(text) + "'");
    // The id may be unknown here; info() says so below.
    if (!host.directory().member(*id).info() && *id != host.id())
      throw ApiError(404, "unknown_member", "no member " + std::string(text) + " is known here",
                     where);
    return *id;
  }
  std::string prefix(text);
  for (char& c : prefix)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  std::optional<MemberId> found;
  Json matches = Json::array();
  for (const Member& m : host.directory().known()) {
    const std::string id = m.id.to_string();
    if (id.rfind(prefix, 0) == 0) {
      found = m.id;
      matches.push_back(id);
    }
  }
  if (matches.empty())
    throw ApiError(404, "unknown_member", "no member id starting with " + prefix + " is known here",
                   where);
  if (matches.size() > 1)
    throw ApiError(
        400, "ambiguous_member",
        "member id prefix " + prefix + " matches " + std::to_string(matches.size()) + " members",
        Json{{"member", prefix}, {"matches", matches}});
  return *found;
}

void check_key(std::string_view key, std::size_t max_key_bytes) {
  if (key.empty()) throw ApiError(400, "bad_key", "the key is empty");
  if (key.size() > max_key_bytes)
    throw ApiError(400, "bad_key",
                   "the key is " + std::to_string(key.size()) + " bytes; the limit is " +
                       std::to_string(max_key_bytes) + " (store.max_key_bytes)");
  if (!valid_utf8(key)) throw ApiError(400, "bad_key", "the key is not valid UTF-8");
}

void check_value(std::string_view value, std::size_t max_value_bytes) {
  if (value.size() > max_value_bytes)
    throw ApiError(413, "value_too_large",
                   "the value is " + std::to_string(value.size()) + " bytes; the limit is " +
                       std::to_string(max_value_bytes) + " (store.max_value_bytes)");
}

}  // namespace convoy::app
