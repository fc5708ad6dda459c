// The parts of a request target that http_parser leaves to its user: percent-decoding, and the
// query's "a=b&c=d" fields. http_parser_parse_url (in MessageParser) finds where the path and
// the query are; these turn their text into values.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace convoy::app {

/// Query parameters in the order sent; a repeated name keeps every value (first one first).
using QueryParams = std::multimap<std::string, std::string>;

/// Whether '+' stands for a space: it does in a query (HTML forms), not in a path.
enum class PlusIs { space, plus };

/// Decodes %XY escapes (either case of hex digit). An escape that is not one ("%zz", a '%'
/// near the end) is kept as it is: the text still says what the client sent, and the route
/// that reads it decides whether that is acceptable. "%2F" becomes '/', "%00" a NUL byte.
[[nodiscard]] std::string percent_decode(std::string_view text, PlusIs plus);

/// Splits "a=1&b=&c&a=2" into {a:1, a:2, b:"", c:""}, each name and value percent-decoded
/// ('+' a space). Empty fields ("a=1&&b=2") are skipped.
[[nodiscard]] QueryParams parse_query(std::string_view query);

}  // namespace convoy::app
