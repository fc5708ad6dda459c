// The client side: the SSE parser reads a stream cut anywhere, URL encoding keeps every byte
// of a key, and the CLI's table aligns and escapes.
#include "cli/table.hpp"
#include "client/agent_client.hpp"
#include "client/sse_parser.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace convoy::app {
namespace {

TEST(SseParser, ReadsEventsCutAnywhere) {
  const std::string stream =
      "retry: 2000\n: hello\n\nid: 1\nevent: key_set\ndata: {\"a\":1}\n\n"
      ": ping\n\nevent: overflow\r\ndata: x\r\ndata: y\r\n\r\ndata: plain\n\n";
  for (std::size_t cut = 1; cut <= stream.size(); ++cut) {
    std::vector<SseEvent> got;
    SseParser parser([&](const SseEvent& e) { got.push_back(e); });
    for (std::size_t i = 0; i < stream.size(); i += cut) parser.feed(stream.substr(i, cut));
    ASSERT_EQ(got.size(), 3u) << "cut " << cut;
    EXPECT_EQ(got[0].id, "1");
    EXPECT_EQ(got[0].event, "key_set");
    EXPECT_EQ(got[0].data, "{\"a\":1}");
    EXPECT_EQ(got[1].event, "overflow");
    EXPECT_EQ(got[1].data, "x\ny");
    EXPECT_EQ(got[2].event, "message");
  }
}

TEST(UrlEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(url_encode("a-b_c.d~9"), "a-b_c.d~9");
  EXPECT_EQ(url_encode("a/b c?d#e%f"), "a%2Fb%20c%3Fd%23e%25f");
  EXPECT_EQ(url_encode(std::string("\0\xff", 2)), "%00%FF");
}

TEST(AgentClient, RefusesABadAddressAndNamesIt) {
  try {
    AgentClient client("not an address");
    FAIL();
  } catch (const ClientError& e) {
    EXPECT_NE(std::string(e.what()).find("not an address"), std::string::npos);
  }
  EXPECT_EQ(AgentClient("http://127.0.0.1:9/").address(), "127.0.0.1:9");
}

TEST(Table, AlignsColumnsAndEscapesCells) {
  Table t({"A", "LONGER"});
  t.row({"xyz", "1"});
  t.row({cell("é\nx"), ""});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(), "A     LONGER\nxyz   1\né\\nx\n");
  EXPECT_EQ(cell(std::string(100, 'a'), 10), std::string(9, 'a') + "…");
}

}  // namespace
}  // namespace convoy::app
