// Reading what a request asks for: typed query parameters, compare-and-set expectations, write
// bodies (raw bytes or a JSON object) and member ids (full or a unique prefix). Every reader
// throws ApiError(400) naming the parameter and what was wrong with it, so a route body reads
// like the API's documentation.
#pragma once

#include <convoy/host.hpp>
#include <convoy/item.hpp>
#include <convoy/member_id.hpp>

#include "http1/http_request.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace convoy::app {

/// ?name=N, a non-negative integer; nullopt when absent.
[[nodiscard]] std::optional<std::uint64_t> query_uint(const HttpRequest& req,
                                                      const std::string& name);
/// ?name=1|0|true|false|yes|no; `fallback` when absent.
[[nodiscard]] bool query_flag(const HttpRequest& req, const std::string& name, bool fallback);
/// ?name=text; nullopt when absent.
[[nodiscard]] std::optional<std::string> query_text(const HttpRequest& req,
                                                    const std::string& name);

/// What a PUT asks to write.
struct WriteRequest {
  std::string value;
  std::optional<Expectation> expected;
};

/// ?expect=VERSION[&epoch=EPOCH]; nullopt without ?expect.
[[nodiscard]] std::optional<Expectation> query_expectation(const HttpRequest& req);
/// A PUT body: with Content-Type application/json, {"value": "...", "expect": N, "epoch": E};
/// otherwise the body's bytes are the value and the expectation comes from the query.
[[nodiscard]] WriteRequest parse_write(const HttpRequest& req);

/// The member named by `text`: its full 32-digit id or a unique prefix of at least 4 hex digits
/// among the members this host knows. 404 when none matches, 400 when several do.
[[nodiscard]] MemberId resolve_member(Host& host, std::string_view text);

/// Refuses a key or value the store would refuse, before asking it: 400 for a bad key, 413 for
/// a value over the limit (the store's limits, from the Config the agent runs).
void check_key(std::string_view key, std::size_t max_key_bytes);
void check_value(std::string_view value, std::size_t max_value_bytes);

}  // namespace convoy::app
