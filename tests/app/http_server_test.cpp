// HttpServer over real sockets: keep-alive and its bounds, pipelining, HTTP/1.0, 100-continue,
// HEAD, 404/405/500 through the owner's error page, a refused body still answered, a stalled or
// trickled request answered 408, streamed bodies (unframed, ended with the connection, released
// once), and a stop() that does not wait for silent, half-sent or stalled connections. The client
// side, HttpClient, talks to it too.
#include "http1/http_server.hpp"
#include "client/http_client.hpp"
#include "http_test_peer.hpp"

#include <gtest/gtest.h>

#include <poll.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;

/// A server on 127.0.0.1 with a few routes, its errors as "status: message" text.
class ServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    router_.get("/hello", [](const HttpRequest& req, HttpResponse& res) {
      res.set_content("hello " + req.query_value("name").value_or("you"), "text/plain");
    });
    router_.put("/echo/{what...}", [](const HttpRequest& req, HttpResponse& res) {
      res.set_content(req.matches[1] + "=" + req.body, "text/plain");
    });
    router_.get("/throw",
                [](const HttpRequest&, HttpResponse&) { throw std::runtime_error("boom"); });
    router_.get("/stream", [this](const HttpRequest&, HttpResponse& res) {
      auto parts = std::make_shared<int>(0);
      res.set_content_provider(
          "text/event-stream",
          [parts](DataSink& sink) {
            if (*parts == 3) {
              sink.done();
              return true;
            }
            const std::string part = "part " + std::to_string((*parts)++) + "\n";
            return sink.write(part.data(), part.size());
          },
          [this](bool completed) {
            std::lock_guard lock(mutex_);
            releases_.push_back(completed);
            released_.notify_all();
          });
    });
    router_.get("/big", [](const HttpRequest&, HttpResponse& res) {
      auto sent = std::make_shared<std::size_t>(0);
      res.set_content_provider("application/octet-stream", [sent](DataSink& sink) {
        if (*sent == 256 * 1024) {
          sink.done();
          return true;
        }
        const std::string block(64 * 1024, 'b');
        *sent += block.size();
        return sink.write(block.data(), block.size());
      });
    });
    router_.get("/forever", [](const HttpRequest&, HttpResponse& res) {
      res.set_content_provider("application/octet-stream", [](DataSink& sink) {
        const std::string block(64 * 1024, 'x');
        return sink.write(block.data(), block.size());
      });
    });
    server_ = std::make_unique<HttpServer>(
        router_, options, [](int status, const std::string& message, HttpResponse& res) {
          res.set_content(std::to_string(status) + ": " + message, "text/plain");
        });
    port_ = server_->bind("127.0.0.1", 0);
    server_->start();
  }

  std::vector<bool> wait_releases(std::size_t n) {
    std::unique_lock lock(mutex_);
    released_.wait_for(lock, 5s, [&] { return releases_.size() >= n; });
    return releases_;
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<bool> releases_;
};

std::string header(const ParsedMessage& m, const std::string& name) {
  for (const auto& [n, v] : m.headers)
    if (equals_ignoring_case(n, name)) return v;
  return "";
}

TEST_F(ServerTest, KeepsAConnectionAliveUpToItsRequestLimit) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 3;
  start(options);
  RawConnection c(port_);
  for (int i = 1; i <= 3; ++i) {
    c.send("GET /hello?name=n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello n" + std::to_string(i));
    EXPECT_EQ(header(*r, "Content-Length"), std::to_string(r->body.size()));
    EXPECT_EQ(r->keep_alive, i < 3) << i;  // the third says Connection: close
  }
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(ServerTest, ClosesAnIdleKeptAliveConnection) {
  HttpServerOptions options;
  options.keep_alive_timeout = 100ms;
  start(options);
  RawConnection c(port_);
  c.send("GET /hello HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(c.response());
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  start();
  RawConnection c(port_);
  c.send(
      "PUT /echo/a%2Fb HTTP/1.1\r\nContent-Length: 2\r\n\r\nv1"
      "GET /hello?name=x+y HTTP/1.1\r\n\r\n"
      "PUT /echo/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "2\r\nv3\r\n0\r\n\r\n");
  EXPECT_EQ(c.response()->body, "a/b=v1");
  EXPECT_EQ(c.response()->body, "hello x y");
  auto last = c.response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body, "c=v3");
  EXPECT_FALSE(last->keep_alive);
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(ServerTest, SpeaksHttp10) {
  start();
  RawConnection plain(port_);
  plain.send("GET /hello HTTP/1.0\r\n\r\n");
  auto r = plain.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello you");
  EXPECT_EQ(header(*r, "Connection"), "close");
  EXPECT_TRUE(plain.closed_within(2s));

  RawConnection kept(port_);
  kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  r = kept.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(header(*r, "Connection"), "keep-alive");
  kept.send("GET /hello?name=again HTTP/1.0\r\n\r\n");
  EXPECT_EQ(kept.response()->body, "hello again");
}

TEST_F(ServerTest, AsksForTheBodyWhenTheClientExpectsToContinue) {
  start();
  RawConnection c(port_);
  c.send("PUT /echo/k HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto interim = c.response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  c.send("body");
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "k=body");
}

TEST_F(ServerTest, AnswersHeadWithTheHeadAlone) {
  start();
  RawConnection c(port_);
  c.send("HEAD /hello HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
  // Everything up to the close: the HEAD's head, then the GET's whole answer.
  const std::string all = c.until_closed();
  EXPECT_EQ(all.find("HTTP/1.1 200 OK\r\n"), 0u) << all;
  EXPECT_NE(all.find("Content-Length: 9\r\n\r\nHTTP/1.1 200 OK"), std::string::npos) << all;
  EXPECT_EQ(all.substr(all.size() - 9), "hello you");
}

TEST_F(ServerTest, AnswersWhatNoRouteTakesThroughTheErrorPage) {
  start();
  HttpClient client("127.0.0.1", port_);
  HttpReply r = client.request("GET", "/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "404: no route for GET /nothing");
  r = client.request("DELETE", "/echo/x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header_value(r.headers, "Allow"), "PUT");
  EXPECT_EQ(r.body, "405: DELETE is not allowed on /echo/x (allowed: PUT)");
  r = client.request("GET", "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "500: internal error: boom");
}

TEST_F(ServerTest, AnswersABodyOverTheLimitEvenWhileItIsBeingSent) {
  HttpServerOptions options;
  options.limits.max_body_bytes = 1000;
  start(options);
  // The client sends it all before reading: the answer must survive the unread bytes.
  RawConnection c(port_);
  const std::string body(512 * 1024, 'b');
  std::thread sender([&] {
    try {
      c.send("PUT /echo/k HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
             body);
    } catch (const std::exception&) {
    }
  });
  auto r = c.response();
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, "413: the request body is larger than the limit of 1000 bytes");
  EXPECT_EQ(header(*r, "Connection"), "close");
}

TEST_F(ServerTest, Answers408ToARequestThatStopsHalfway) {
  HttpServerOptions options;
  options.read_timeout = 100ms;
  start(options);
  RawConnection c(port_);
  c.send("PUT /echo/k HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  auto r = c.response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  // A connection that never sent a byte is closed without a word.
  RawConnection silent(port_);
  EXPECT_EQ(silent.until_closed(2s), "");
}

TEST_F(ServerTest, Answers408ToARequestTrickledSlowerThanTheWholeRequestDeadline) {
  HttpServerOptions options;
  options.read_timeout = 2s;  // never reached: a byte comes every 50 ms
  options.request_timeout = 300ms;
  start(options);
  RawConnection c(port_);
  const std::string request = "GET /hello?name=" + std::string(200, 'x') + " HTTP/1.1\r\n\r\n";
  const auto began = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  // One byte, then up to 50 ms for the server's answer (a poll, not a sleep: it ends as soon as
  // the answer is there); bounded by the request's length and 3 s.
  for (; sent < request.size() && std::chrono::steady_clock::now() - began < 3s; ++sent) {
    c.send(request.substr(sent, 1));
    if (wait_for(c.fd(), POLLIN, 50ms, -1) == IoStatus::ok) break;  // answered
  }
  EXPECT_LT(sent, request.size()) << "the whole request was accepted at a trickle";
  auto r = c.response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_NE(r->body.find("did not complete within"), std::string::npos) << r->body;
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  // A request that arrives whole, at once, is unaffected.
  RawConnection quick(port_);
  quick.send("GET /hello?name=quick HTTP/1.1\r\n\r\n");
  auto ok = quick.response(2s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, StreamsABodyUnframedAndEndsTheConnection) {
  start();
  RawConnection c(port_);
  c.send("GET /stream HTTP/1.1\r\n\r\n");
  const std::string all = c.until_closed();
  EXPECT_NE(all.find("Content-Type: text/event-stream\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("Content-Length"), std::string::npos) << all;
  EXPECT_EQ(all.find("chunked"), std::string::npos) << all;
  EXPECT_NE(all.find("Connection: close\r\n\r\npart 0\npart 1\npart 2\n"), std::string::npos)
      << all;
  EXPECT_EQ(wait_releases(1), std::vector<bool>{true});
  // HEAD opens no stream, yet what the route opened is released.
  RawConnection head(port_);
  head.send("HEAD /stream HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(head.response());
  EXPECT_EQ(wait_releases(2), (std::vector<bool>{true, false}));
}

TEST_F(ServerTest, KeepsWritingToAClientThatReadsSlowlyButSteadily) {
  HttpServerOptions options;
  options.write_timeout = 250ms;
  options.send_buffer_bytes = 64 * 1024;
  start(options);
  // A small receive window, read a little at a time: the send queue shrinks slowly, never fast
  // enough for poll() to call the socket writable within the timeout, yet it always shrinks.
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int small = 4096;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(send_all(fd.get(), "GET /big HTTP/1.1\r\n\r\n", 1s, -1).status, IoStatus::ok);
  std::size_t received = 0;
  char buffer[1024];
  for (;;) {
    const IoResult got = receive(fd.get(), buffer, sizeof buffer, 2s, -1);
    if (got.status != IoStatus::ok) break;
    received += got.bytes;
    std::this_thread::sleep_for(10ms);  // ~100 KB/s
  }
  EXPECT_GT(received, 256u * 1024);  // the head and the whole body
}

TEST_F(ServerTest, StopsAtOnceWhateverItsConnectionsAreDoing) {
  start();
  RawConnection silent(port_);
  RawConnection half(port_);
  half.send("PUT /echo/k HTTP/1.1\r\nContent-Length: 100\r\n\r\nab");
  RawConnection stalled(port_);  // a stream whose client reads nothing: its writer blocks
  stalled.send("GET /forever HTTP/1.1\r\n\r\n");
  RawConnection kept(port_);
  kept.send("GET /hello HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(kept.response());
  std::this_thread::sleep_for(200ms);  // every connection is in its wait now
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_TRUE(silent.closed_within(1s));
  EXPECT_TRUE(kept.closed_within(1s));
  // No one listens any more.
  EXPECT_THROW(RawConnection again(port_), std::runtime_error);
}

TEST_F(ServerTest, RefusesAPortThatIsInUse) {
  start();
  Router other;
  HttpServer second(other, {}, {});
  try {
    (void)second.bind("127.0.0.1", port_);
    FAIL() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "Address already in use");
  }
}

}  // namespace
}  // namespace convoy::app
