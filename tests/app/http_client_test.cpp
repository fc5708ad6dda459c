// HttpClient against a scripted server: bodies framed by Content-Length, by chunks and by the
// end of the connection, interim answers skipped, streams handed over as they come and stopped
// from another thread; and against no server at all — a refused connection and one that never
// answers are one line each, within their timeouts.
#include "client/http_client.hpp"
#include "http1/request_reader.hpp"
#include "http_test_peer.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;
using testing::reply;
using testing::ScriptedServer;

HttpClient client_of(const ScriptedServer& server, HttpClientOptions options = {}) {
  return HttpClient("127.0.0.1", server.port(), options);
}

TEST(HttpClient, ReadsABodyOfKnownLengthAndSendsAWellFormedRequest) {
  ScriptedServer server([](int fd, const std::string&) {
    reply(fd, "HTTP/1.1 201 Created\r\nX-Thing: 1\r\nContent-Length: 5\r\n\r\nhello");
  });
  HttpClient client = client_of(server);
  HttpHeaders headers{{"Content-Type", "application/json"}};
  const HttpReply r =
      client.request("PUT", "/v1/store/a%2Fb?expect=1", "{\"value\":\"x\"}", headers);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(header_value(r.headers, "x-thing"), "1");

  // What the server received reads as the request that was meant.
  RequestReader reader({});
  reader.feed(server.requests().at(0));
  auto sent = reader.next();
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->method, "PUT");
  EXPECT_EQ(sent->path, "/v1/store/a/b");
  EXPECT_EQ(sent->query_value("expect"), "1");
  EXPECT_EQ(sent->body, "{\"value\":\"x\"}");
  EXPECT_EQ(sent->header("Content-Type"), "application/json");
  EXPECT_EQ(sent->header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_FALSE(sent->keep_alive);  // one request per connection
}

TEST(HttpClient, ReadsAChunkedBodyArrivingInPieces) {
  ScriptedServer server([](int fd, const std::string&) {
    for (const char* piece : {"HTTP/1.1 200 OK\r\nTransfer-", "Encoding: chunked\r\n\r\n5\r\nhel",
                              "lo\r\n", "6\r\n world\r\n0\r\n", "\r\n"}) {
      reply(fd, piece);
      std::this_thread::sleep_for(5ms);
    }
  });
  EXPECT_EQ(client_of(server).request("GET", "/").body, "hello world");
}

TEST(HttpClient, ReadsABodyThatEndsWithTheConnection) {
  ScriptedServer server([](int fd, const std::string&) {
    reply(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of ");
    reply(fd, "this");
  });  // the script returns: the connection closes
  const HttpReply r = client_of(server).request("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "all of this");
}

TEST(HttpClient, SkipsAnInterimAnswer) {
  ScriptedServer server([](int fd, const std::string&) {
    reply(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
  });
  EXPECT_EQ(client_of(server).request("POST", "/").status, 204);
}

TEST(HttpClient, NamesARefusedConnection) {
  std::uint16_t port = 0;
  {
    ScriptedServer gone([](int, const std::string&) {});
    port = gone.port();
  }  // closed: nothing listens there now
  HttpClient client("127.0.0.1", port);
  try {
    (void)client.request("GET", "/");
    FAIL() << "no error";
  } catch (const HttpClientError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
    EXPECT_EQ(e.reason(), "Connection refused");
  }
}

TEST(HttpClient, GivesUpOnASilentServerAfterItsReadTimeout) {
  // A server that accepts, reads the request and says nothing.
  ScriptedServer silent([&silent](int, const std::string&) { silent.wait_until_stopped(5s); });
  HttpClientOptions options;
  options.read_timeout = 200ms;
  HttpClient client = client_of(silent, options);
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)client.request("GET", "/");
    FAIL() << "no error";
  } catch (const HttpClientError& e) {
    EXPECT_EQ(std::string(e.what()), "no answer from " + client.address() + " within 200ms");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, NamesAMalformedAnswer) {
  ScriptedServer server([](int fd, const std::string&) { reply(fd, "SPDY/9 what\r\n\r\n"); });
  try {
    (void)client_of(server).request("GET", "/");
    FAIL() << "no error";
  } catch (const HttpClientError& e) {
    EXPECT_NE(std::string(e.what()).find("malformed response"), std::string::npos) << e.what();
  }
}

TEST(HttpClient, StreamsABodyAsItComesAndStopsWhenAsked) {
  ScriptedServer server([&server](int fd, const std::string&) {
    reply(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nfirst");
    std::this_thread::sleep_for(20ms);
    reply(fd, "second");
    server.wait_until_stopped(10s);  // then nothing, for as long as the test lasts
  });
  HttpClient client = client_of(server);
  int status = 0;
  std::string body;
  std::atomic<bool> second{false};
  std::thread stopper([&] {
    while (!second) std::this_thread::sleep_for(1ms);
    client.stop();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto end = client.stream(
      "/events", {}, [&](int s, const HttpHeaders&) { status = s; },
      [&](std::string_view bytes) {
        body.append(bytes);
        if (body.find("second") != std::string::npos) second = true;
        return true;
      });
  stopper.join();
  EXPECT_EQ(end, HttpClient::StreamEnd::stopped);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "firstsecond");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpClient, EndsAStreamWhenTheCallerHadEnough) {
  ScriptedServer server([&server](int fd, const std::string&) {
    reply(fd, "HTTP/1.1 200 OK\r\n\r\nabc");
    server.wait_until_stopped(10s);
  });
  HttpClient client = client_of(server);
  const auto end = client.stream(
      "/", {}, [](int, const HttpHeaders&) {}, [](std::string_view) { return false; });
  EXPECT_EQ(end, HttpClient::StreamEnd::enough);
}

}  // namespace
}  // namespace convoy::app
