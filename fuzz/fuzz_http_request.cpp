// libFuzzer target for the agent's HTTP request reading: the bytes every client of the agent
// controls, before any route sees them. Arbitrary bytes go to a RequestReader twice — whole, and
// cut at places the input itself chooses — and must read the same both times (requests and the
// error that ends them), within the limits (no target, header set or body past its bound), with
// every request's path absolute. The query and percent-decoding are run on every target too.
#include "http1/request_reader.hpp"
#include "http1/url_query.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace convoy::app;

void require(bool ok) {
  if (!ok) std::abort();
}

struct Reading {
  std::vector<HttpRequest> requests;
  std::optional<RequestError> error;
};

constexpr RequestLimits kLimits{64, 256, 512};

Reading read(const std::vector<std::string_view>& pieces) {
  RequestReader reader(kLimits);
  Reading out;
  for (std::string_view piece : pieces) {
    reader.feed(piece);
    while (auto r = reader.next()) out.requests.push_back(std::move(*r));
    (void)reader.take_continue();
    out.error = reader.error();
    if (out.error) break;
  }
  return out;
}

bool same(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
         a.headers.size() == b.headers.size() &&
         std::equal(a.headers.begin(), a.headers.end(), b.headers.begin()) && a.body == b.body &&
         a.keep_alive == b.keep_alive && a.version_minor == b.version_minor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the cuts: every `step` bytes (1: byte by byte).
  const std::size_t step = data[0] % 16 + 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  const Reading whole = read({bytes});
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0; at < bytes.size(); at += step) pieces.push_back(bytes.substr(at, step));
  const Reading cut = read(pieces);

  require(whole.requests.size() == cut.requests.size());
  for (std::size_t i = 0; i < whole.requests.size(); ++i)
    require(same(whole.requests[i], cut.requests[i]));
  require(whole.error.has_value() == cut.error.has_value());
  if (whole.error) {
    require(whole.error->status == cut.error->status);
    require(whole.error->status >= 400 && whole.error->status < 500);
  }
  for (const HttpRequest& r : whole.requests) {
    require(r.target.size() <= kLimits.max_target_bytes);
    require(r.body.size() <= kLimits.max_body_bytes);
    require(!r.path.empty());
    std::size_t header_bytes = 0;
    for (const auto& [name, value] : r.headers) header_bytes += name.size() + value.size();
    require(header_bytes <= kLimits.max_header_bytes);
    // The target's own decoding, as routes would see it again.
    (void)parse_query(r.target);
    (void)percent_decode(r.target, PlusIs::space);
  }
  return 0;
}
