// Reading requests off a connection: RequestReader (over http-parser) and the query and
// percent-decoding it relies on. Requests come pipelined, cut byte by byte, chunked, at and
// over every limit, malformed; a property checks that however a stream of requests is cut,
// it reads exactly as it does whole.
#include "http1/request_reader.hpp"
#include "http1/url_query.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace convoy::app {
namespace {

/// What a connection's bytes read as: its requests, then the error that ended it, if any.
struct Reading {
  std::vector<HttpRequest> requests;
  std::optional<RequestError> error;
};

/// Feeds `pieces` one after another, taking every request as soon as it is complete (as the
/// server does between its reads).
Reading read_pieces(const std::vector<std::string>& pieces, RequestLimits limits = {}) {
  RequestReader reader(limits);
  Reading out;
  const auto drain = [&] {
    while (auto r = reader.next()) out.requests.push_back(std::move(*r));
    out.error = reader.error();
  };
  for (const std::string& piece : pieces) {
    reader.feed(piece);
    drain();
    if (out.error) break;
  }
  return out;
}

Reading read_whole(const std::string& bytes, RequestLimits limits = {}) {
  return read_pieces({bytes}, limits);
}

RequestLimits small_body(std::size_t max_body) {
  RequestLimits limits;
  limits.max_body_bytes = max_body;
  return limits;
}

// ---- url_query --------------------------------------------------------------------------------

TEST(PercentDecode, DecodesEscapesAndKeepsWhatIsNotOne) {
  EXPECT_EQ(percent_decode("a%2Fb%2fc", PlusIs::plus), "a/b/c");
  EXPECT_EQ(percent_decode("%41%00z", PlusIs::plus), std::string("A\0z", 3));
  EXPECT_EQ(percent_decode("a+b", PlusIs::plus), "a+b");      // a path keeps '+'
  EXPECT_EQ(percent_decode("a+b", PlusIs::space), "a b");     // a query reads it as a space
  EXPECT_EQ(percent_decode("%2B", PlusIs::space), "+");       // an escaped '+' stays one
  EXPECT_EQ(percent_decode("%zz%4", PlusIs::plus), "%zz%4");  // not escapes: kept as sent
  EXPECT_EQ(percent_decode("%", PlusIs::plus), "%");
  EXPECT_EQ(percent_decode("100%", PlusIs::plus), "100%");
  EXPECT_EQ(percent_decode("%e2%82%AC", PlusIs::plus), "\xe2\x82\xac");
}

TEST(ParseQuery, SplitsFieldsAndKeepsRepeatedNames) {
  const QueryParams q = parse_query("a=1&b=&c&a=2&&d=x%3Dy+z&%65=e");
  ASSERT_EQ(q.count("a"), 2u);
  auto [first, last] = q.equal_range("a");
  EXPECT_EQ(first->second, "1");  // the order sent
  EXPECT_EQ(std::next(first)->second, "2");
  EXPECT_EQ(q.find("b")->second, "");
  EXPECT_EQ(q.find("c")->second, "");
  EXPECT_EQ(q.find("d")->second, "x=y z");
  EXPECT_EQ(q.find("e")->second, "e");  // names are decoded too
  EXPECT_EQ(q.size(), 6u);
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query("&&").empty());
}

// ---- RequestReader ----------------------------------------------------------------------------

TEST(RequestReader, ReadsARequestWithPathQueryAndHeaders) {
  const Reading r = read_whole(
      "GET /v1/store/a%2Fb+c?prefix=x+y&limit=3&limit=4 HTTP/1.1\r\n"
      "Host: h\r\ncontent-TYPE: text/plain\r\nX-Twice: 1\r\nx-twice: 2\r\n\r\n");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.requests.size(), 1u);
  const HttpRequest& req = r.requests[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/v1/store/a%2Fb+c?prefix=x+y&limit=3&limit=4");
  EXPECT_EQ(req.path, "/v1/store/a/b+c");
  EXPECT_EQ(req.query_value("prefix"), "x y");
  EXPECT_EQ(req.query_value("limit"), "3");
  EXPECT_EQ(req.query.count("limit"), 2u);
  EXPECT_FALSE(req.query_value("nothing"));
  // Header names are case-insensitive, and a repeated one keeps both values.
  EXPECT_EQ(req.header("Content-Type"), "text/plain");
  EXPECT_EQ(req.header("CONTENT-type"), "text/plain");
  EXPECT_EQ(req.headers.count("X-TWICE"), 2u);
  EXPECT_EQ(req.header("absent"), "");
  EXPECT_TRUE(req.keep_alive);
  EXPECT_TRUE(req.body.empty());
}

TEST(RequestReader, ReadsPipelinedRequestsOneAtATime) {
  RequestReader reader({});
  reader.feed(
      "PUT /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "GET /b HTTP/1.1\r\n\r\n"
      "DELETE /c HTTP/1.1\r\nConnection: close\r\n\r\n"
      "GET /d");
  auto first = reader.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->path, "/a");
  EXPECT_EQ(first->body, "abc");
  EXPECT_FALSE(reader.idle());  // the next request is already here
  auto second = reader.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->method, "GET");
  EXPECT_EQ(second->path, "/b");
  auto third = reader.next();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->method, "DELETE");
  EXPECT_FALSE(third->keep_alive);
  EXPECT_FALSE(reader.next());  // "GET /d" is incomplete (and would follow a close anyway)
}

TEST(RequestReader, ReadsARequestFedByteByByte) {
  const std::string wire =
      "POST /x?y=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: t\r\n\r\n"
      "GET /next HTTP/1.1\r\n\r\n";
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  const Reading r = read_pieces(bytes);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(r.requests[0].body, "abc0123456789abcdef");
  EXPECT_EQ(r.requests[0].query_value("y"), "1");
  EXPECT_EQ(r.requests[1].path, "/next");
}

TEST(RequestReader, SaysWhenItIsBetweenRequests) {
  RequestReader reader({});
  EXPECT_TRUE(reader.idle());
  reader.feed("GE");
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.idle());
  reader.feed("T / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reader.next());
  EXPECT_TRUE(reader.idle());
}

TEST(RequestReader, TakesABodyExactlyAtTheLimitAndRefusesOneByteMore) {
  const auto put = [](std::size_t n) {
    return "PUT /k HTTP/1.1\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n" +
           std::string(n, 'v');
  };
  const Reading at = read_whole(put(100), small_body(100));
  ASSERT_FALSE(at.error);
  EXPECT_EQ(at.requests.at(0).body.size(), 100u);
  // Over: refused from the Content-Length alone, before a byte of the body is there.
  const Reading over =
      read_whole("PUT /k HTTP/1.1\r\nContent-Length: 101\r\n\r\n", small_body(100));
  ASSERT_TRUE(over.error);
  EXPECT_EQ(over.error->status, 413);
  EXPECT_NE(over.error->message.find("100 bytes"), std::string::npos) << over.error->message;
  EXPECT_TRUE(over.requests.empty());
}

TEST(RequestReader, RefusesAChunkedBodyAsItGrowsPastTheLimit) {
  const std::string head = "PUT /k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const Reading at = read_whole(head + "32\r\n" + std::string(50, 'a') + "\r\n32\r\n" +
                                    std::string(50, 'b') + "\r\n0\r\n\r\n",
                                small_body(100));
  ASSERT_FALSE(at.error);
  EXPECT_EQ(at.requests.at(0).body.size(), 100u);
  // One byte over, in a chunk that never finishes: refused as soon as it passes the limit.
  const Reading over =
      read_pieces({head, "32\r\n" + std::string(50, 'a') + "\r\n", "33\r\n", std::string(51, 'b')},
                  small_body(100));
  ASSERT_TRUE(over.error);
  EXPECT_EQ(over.error->status, 413);
}

TEST(RequestReader, BoundsTheTargetAndTheHeaderFields) {
  RequestLimits limits;
  const std::string long_target = "/" + std::string(limits.max_target_bytes, 'k');
  const Reading uri = read_whole("GET " + long_target + " HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(uri.error);
  EXPECT_EQ(uri.error->status, 414);
  // Exactly at the limit: read.
  const Reading uri_ok =
      read_whole("GET /" + std::string(limits.max_target_bytes - 1, 'k') + " HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(uri_ok.error);

  // One big field, or many small ones: the total is bounded.
  const Reading big = read_whole("GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'y') + "\r\n\r\n");
  ASSERT_TRUE(big.error);
  EXPECT_EQ(big.error->status, 431);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  const Reading lots = read_pieces({many, "\r\n"});
  ASSERT_TRUE(lots.error);
  EXPECT_EQ(lots.error->status, 431);
  std::string fine = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 200; ++i) fine += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_FALSE(read_whole(fine + "\r\n").error);
}

TEST(RequestReader, FindsALimitAtTheByteThatPassesItHoweverTheBytesAreCut) {
  // A target over the limit, then a byte no target may hold: whether the limit or the bad
  // byte is found first must not depend on how the bytes arrived (found by fuzzing).
  RequestLimits limits;
  limits.max_target_bytes = 16;
  for (const auto& [wire, status] : std::vector<std::pair<std::string, int>>{
           {"GET /" + std::string(20, 'a') + "\x01 HTTP/1.1\r\n\r\n", 414},
           {"GET /" + std::string(10, 'a') + "\x01" + std::string(10, 'a') + " HTTP/1.1\r\n\r\n",
            400}}) {
    std::vector<std::string> bytes;
    for (char c : wire) bytes.emplace_back(1, c);
    EXPECT_EQ(read_whole(wire, limits).error->status, status) << wire;
    EXPECT_EQ(read_pieces(bytes, limits).error->status, status) << wire;
  }
}

TEST(RequestReader, AnswersMalformedRequestsWith400) {
  for (const std::string bad : {
           "GARBAGE\r\n\r\n",
           "BREW / HTTP/1.1\r\n\r\n",
           "GET / HTTP/9.9\r\n\r\n",
           "GET / HTTP/2.0\r\n\r\n",
           "GET /a\x01 HTTP/1.1\r\n\r\n",
           "GET / HTTP/1.1\r\nBad(Header: x\r\n\r\n",
           "PUT / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
           "PUT / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
           "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
       }) {
    const Reading r = read_whole(bad);
    ASSERT_TRUE(r.error) << bad;
    EXPECT_EQ(r.error->status, 400) << bad;
    EXPECT_NE(r.error->message.find("malformed"), std::string::npos) << r.error->message;
    EXPECT_TRUE(r.requests.empty()) << bad;
  }
}

TEST(RequestReader, AnErrorEndsTheConnectionsReading) {
  RequestReader reader({});
  reader.feed("GET /ok HTTP/1.1\r\n\r\nJUNK\r\n\r\nGET /never HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reader.next());
  EXPECT_FALSE(reader.next());
  ASSERT_TRUE(reader.error());
  reader.feed("GET /later HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(reader.next());  // where a next request would start is unknown
}

TEST(RequestReader, KeepsAliveByVersionAndConnectionHeader) {
  const auto keep = [](const std::string& version, const std::string& headers) {
    const Reading r = read_whole("GET / " + version + "\r\n" + headers + "\r\n");
    EXPECT_FALSE(r.error);
    return r.requests.at(0).keep_alive;
  };
  EXPECT_TRUE(keep("HTTP/1.1", ""));
  EXPECT_FALSE(keep("HTTP/1.1", "Connection: close\r\n"));
  EXPECT_FALSE(keep("HTTP/1.0", ""));  // HTTP/1.0 closes unless asked otherwise
  EXPECT_TRUE(keep("HTTP/1.0", "Connection: keep-alive\r\n"));
  // A protocol switch is not followed: the connection ends after the answer.
  EXPECT_FALSE(keep("HTTP/1.1", "Connection: Upgrade\r\nUpgrade: websocket\r\n"));
}

TEST(RequestReader, AsksForTheBodyOnceWhenTheClientExpectsToContinue) {
  RequestReader reader({});
  reader.feed("PUT /k HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.take_continue());
  EXPECT_FALSE(reader.take_continue());  // once
  reader.feed("abc");
  auto req = reader.next();
  ASSERT_TRUE(req);
  EXPECT_EQ(req->body, "abc");
  // Not asked, or the body refused already: no 100.
  RequestReader plain({});
  plain.feed("PUT /k HTTP/1.1\r\nContent-Length: 3\r\n\r\n");
  EXPECT_FALSE(plain.next());
  EXPECT_FALSE(plain.take_continue());
  RequestReader refused(small_body(2));
  refused.feed("PUT /k HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_FALSE(refused.next());
  EXPECT_FALSE(refused.take_continue());
  EXPECT_EQ(refused.error()->status, 413);
}

TEST(RequestReader, ReadsAnAbsoluteTarget) {
  const Reading r = read_whole("GET http://h:1/v1/health?x=1 HTTP/1.1\r\n\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.requests.at(0).path, "/v1/health");
  EXPECT_EQ(r.requests.at(0).query_value("x"), "1");
}

// ---- Any cut reads the same -------------------------------------------------------------------

/// The parts of a request a route can see, comparable.
struct Seen {
  std::string method, target, path, body;
  std::vector<std::pair<std::string, std::string>> query, headers;
  bool keep_alive;
  bool operator==(const Seen&) const = default;
};

Seen seen(const HttpRequest& r) {
  return {r.method,
          r.target,
          r.path,
          r.body,
          {r.query.begin(), r.query.end()},
          {r.headers.begin(), r.headers.end()},
          r.keep_alive};
}

bool same(const Reading& a, const Reading& b) {
  if (a.requests.size() != b.requests.size()) return false;
  for (std::size_t i = 0; i < a.requests.size(); ++i)
    if (!(seen(a.requests[i]) == seen(b.requests[i]))) return false;
  if (a.error.has_value() != b.error.has_value()) return false;
  return !a.error || (a.error->status == b.error->status && a.error->message == b.error->message);
}

/// `bytes` cut at the given fractions of its length.
std::vector<std::string> cut(const std::string& bytes, std::vector<std::size_t> cuts) {
  for (auto& c : cuts) c %= bytes.size() + 1;
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> pieces;
  std::size_t from = 0;
  for (std::size_t c : cuts) {
    pieces.push_back(bytes.substr(from, c - from));
    from = c;
  }
  pieces.push_back(bytes.substr(from));
  return pieces;
}

/// A request as a client could send it: a method, a path with escapes, a query, headers, and
/// a body with a Content-Length or chunked.
rc::Gen<std::string> gen_request() {
  const auto text = [](const std::string& alphabet) {
    return rc::gen::container<std::string>(rc::gen::elementOf(alphabet));
  };
  const std::string path_chars = "abcXYZ019-._~!$&'()*+,;=:@%2F%41%zz";
  return rc::gen::exec([=] {
    const std::string method = *rc::gen::element<std::string>("GET", "PUT", "POST", "DELETE");
    std::string wire = method + " /" + *text(path_chars + "/");
    if (*rc::gen::arbitrary<bool>()) wire += "?" + *text("ab=&+%2B%3D1");
    wire += *rc::gen::element<std::string>(" HTTP/1.1\r\n", " HTTP/1.0\r\n");
    const int headers = *rc::gen::inRange(0, 5);
    for (int i = 0; i < headers; ++i)
      wire += *rc::gen::element<std::string>("X-A", "x-a", "Accept", "Connection") + ": " +
              *text("abc xyz,;=keep-alive") + "\r\n";
    const std::string body = *text(std::string("abc\r\n\0\xff", 7));
    if (*rc::gen::arbitrary<bool>()) {
      wire += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    } else {
      wire += "Transfer-Encoding: chunked\r\n\r\n";
      std::size_t at = 0;
      while (at < body.size()) {
        const std::size_t n = *rc::gen::inRange<std::size_t>(1, body.size() - at + 1);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", n);
        wire += size + body.substr(at, n) + "\r\n";
        at += n;
      }
      wire += "0\r\n\r\n";
    }
    return wire;
  });
}

RC_GTEST_PROP(RequestReaderCuts, PipelinedRequestsReadTheSameHoweverTheyAreCut, ()) {
  const auto requests = *rc::gen::container<std::vector<std::string>>(
      *rc::gen::inRange<std::size_t>(1, 4), gen_request());
  std::string wire;
  for (const auto& r : requests) wire += r;
  const auto cuts =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::arbitrary<std::size_t>());
  // Small limits, so that targets, header sets and bodies pass them in some cases.
  RequestLimits limits;
  limits.max_body_bytes = *rc::gen::inRange<std::size_t>(0, 64);
  limits.max_target_bytes = *rc::gen::inRange<std::size_t>(1, 64);
  limits.max_header_bytes = *rc::gen::inRange<std::size_t>(1, 128);
  const Reading whole = read_whole(wire, limits);
  const Reading pieces = read_pieces(cut(wire, cuts), limits);
  RC_ASSERT(same(whole, pieces));
  // Without an error, every request is read (a connection: close ends the reading early).
  if (!whole.error) RC_ASSERT(!whole.requests.empty());
}

RC_GTEST_PROP(RequestReaderCuts, AnyBytesReadTheSameHoweverTheyAreCut, (const std::string& junk)) {
  const std::string wire = *rc::gen::element<std::string>("", "GET / HTTP/1.1\r\n", "PUT /") + junk;
  const auto cuts =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::arbitrary<std::size_t>());
  RequestLimits limits;
  limits.max_target_bytes = *rc::gen::inRange<std::size_t>(1, 16);
  limits.max_header_bytes = *rc::gen::inRange<std::size_t>(1, 16);
  RC_ASSERT(same(read_whole(wire, limits), read_pieces(cut(wire, cuts), limits)));
}

}  // namespace
}  // namespace convoy::app
