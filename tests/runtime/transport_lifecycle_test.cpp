// Transport, lifecycle: binding (port in use, UDP port taken, host names), refused options,
// close() twice and everything after it, destruction with connections open and writes in
// flight (meant for ASan), and stats() read from another thread while the io thread works
// (meant for TSan).
#include "runtime/transport.hpp"

#include "event_loop.hpp"
#include "raw_tcp_peer.hpp"
#include "recording_handler.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>
#include <asio/post.hpp>

#include <future>
#include <thread>

namespace convoy::runtime {
namespace {

using testing::bytes_of;
using testing::EventLoop;
using testing::RawTcpPeer;
using testing::RecordingHandler;
using testing::text_of;

TransportOptions local() {
  TransportOptions options;
  options.bind_host = "127.0.0.1";
  return options;
}

// The Error's code, or nullopt if constructing did not throw convoy::Error.
std::optional<Error> construction_error(asio::io_context& io, const TransportOptions& options) {
  RecordingHandler handler;
  try {
    Transport t(io, options, handler);
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

TEST(TransportBind, PortInUseIsAddressUnavailableNamingTheAddress) {
  EventLoop loop;
  RecordingHandler handler;
  Transport first(loop.io(), local(), handler);
  TransportOptions same = local();
  same.port = first.local_address().port;
  const auto error = construction_error(loop.io(), same);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::address_unavailable);
  EXPECT_NE(std::string(error->what()).find(first.local_address().to_string()), std::string::npos)
      << error->what();
}

TEST(TransportBind, UdpPortTakenByAnotherProgramIsAddressUnavailable) {
  EventLoop loop;
  asio::ip::udp::socket squatter(loop.io(),
                                 asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  TransportOptions options = local();
  options.port = squatter.local_endpoint().port();
  const auto error = construction_error(loop.io(), options);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::address_unavailable);
  EXPECT_NE(std::string(error->what()).find("UDP"), std::string::npos) << error->what();
}

TEST(TransportBind, HostNamesForBindAndAdvertise) {
  EventLoop loop;
  RecordingHandler handler;
  TransportOptions by_name;
  by_name.bind_host = "localhost";
  Transport named(loop.io(), by_name, handler);
  EXPECT_TRUE(to_ip(named.local_address()).is_loopback());
  EXPECT_EQ(named.advertise_address(), named.local_address());

  TransportOptions advertised = local();
  advertised.advertise_host = "localhost";  // resolves to ::1 and 127.0.0.1: IPv4 matches
  Transport t(loop.io(), advertised, handler);
  EXPECT_EQ(t.advertise_address(), t.local_address());

  TransportOptions wildcard_advertised = local();
  wildcard_advertised.advertise_host = "0.0.0.0";
  const auto error = construction_error(loop.io(), wildcard_advertised);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::address_unavailable);
}

TEST(TransportOptionsValidation, RefusesWhatCouldNeverWork) {
  EventLoop loop;
  const auto refused = [&](auto change) {
    TransportOptions options = local();
    change(options);
    const auto error = construction_error(loop.io(), options);
    return error && error->code() == ErrorCode::invalid_config;
  };
  EXPECT_TRUE(refused([](auto& o) { o.io_timeout = std::chrono::milliseconds(0); }));
  EXPECT_TRUE(refused([](auto& o) { o.connect_timeout = std::chrono::milliseconds(-1); }));
  EXPECT_TRUE(refused([](auto& o) { o.idle_timeout = std::chrono::hours(25); }));
  EXPECT_TRUE(refused([](auto& o) { o.max_datagram = 0; }));
  EXPECT_TRUE(refused([](auto& o) { o.max_datagram = 65536; }));
  EXPECT_TRUE(refused([](auto& o) { o.max_connections = 0; }));
  EXPECT_TRUE(refused([](auto& o) { o.max_queued_bytes = o.max_frame + 3; }));
  EXPECT_TRUE(refused([](auto& o) {
    o.max_frame = std::size_t{1} << 32;
    o.max_queued_bytes = std::size_t{1} << 33;
  }));
  EXPECT_FALSE(refused([](auto& o) { o.max_queued_bytes = o.max_frame + 4; }));
}

TEST(TransportClose, IsIdempotentAndEverythingAfterItIsCountedNotSent) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), local(), ha);
  Transport b(loop.io(), local(), hb);
  const auto stream = a.send_stream(b.advertise_address(), bytes_of("before"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 1; }));

  // Already in A's socket buffer (loopback sends are synchronous), not yet read by A.
  b.send_datagram(a.local_address(), bytes_of("in flight at close"));
  a.close();
  a.close();
  a.send_datagram(b.advertise_address(), bytes_of("after"));
  EXPECT_FALSE(a.send_stream(b.advertise_address(), bytes_of("after")));
  a.reply(*stream, bytes_of("after"));
  EXPECT_EQ(a.stats().sends_after_close, 3u);
  EXPECT_EQ(a.stats().connections_closed, 1u);

  ASSERT_TRUE(loop.run_until([&] { return b.stats().connections_closed == 1; }));
  EXPECT_TRUE(ha.datagrams.empty());  // nothing reaches a closed transport's handler
  // Every connection opened or accepted was closed exactly once.
  for (const Transport* t : {&a, &b}) {
    const TransportStats s = t->stats();
    EXPECT_EQ(s.connections_opened + s.connections_accepted, s.connections_closed);
  }
}

TEST(TransportClose, DestroyingWithOpenConnectionsAndWritesInFlightIsClean) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  auto a = std::make_unique<Transport>(loop.io(), local(), ha);
  Transport b(loop.io(), local(), hb);
  hb.react = [&](const testing::ReceivedMessage& m) { b.reply(m.stream, bytes_of("ack")); };

  RawTcpPeer incoming(loop.io());  // an incoming connection on A, mid-frame
  incoming.connect(a->local_address());
  incoming.start_reading();
  incoming.write(encode_frame_header(50));
  const std::vector<std::uint8_t> large(4u << 20, 0x5A);
  for (int i = 0; i < 3; ++i) a->send_stream(b.advertise_address(), large);
  // Wait until A is mid-way: B has one message, so A's writes are under way.
  ASSERT_TRUE(loop.run_until(
      [&] { return hb.messages.size() == 1 && a->stats().connections_accepted == 1; }));

  a.reset();
  const auto delivered_to_a = ha.messages.size();
  ASSERT_TRUE(
      loop.run_until([&] { return b.stats().connections_closed == 1 && incoming.closed(); }));
  EXPECT_EQ(ha.messages.size(), delivered_to_a);  // no call into A's handler after it is gone
  EXPECT_LT(hb.messages.size(), 3u + 1u);
}

TEST(TransportThreads, StatsAreReadableFromAnotherThreadWhileTheIoThreadWorks) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  RecordingHandler ha;
  RecordingHandler hb;
  auto a = std::make_unique<Transport>(io, local(), ha);
  auto b = std::make_unique<Transport>(io, local(), hb);
  const Address to = b->advertise_address();
  std::thread io_thread([&] { io.run(); });

  constexpr std::uint64_t count = 2000;
  asio::post(io, [&] {
    for (std::uint64_t i = 0; i < count; ++i) {
      a->send_stream(to, bytes_of("m"));
      a->send_datagram(to, bytes_of("d"));
    }
  });
  // This thread only ever touches stats(): the counters are atomic, the rest is the io thread's.
  const auto deadline = std::chrono::steady_clock::now() + testing::default_wait;
  // Both: a counts a frame out when its write completes, which can be after b has read it.
  while ((b->stats().frames_in < count || a->stats().frames_out < count) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(b->stats().frames_in, count);
  EXPECT_EQ(a->stats().frames_out, count);

  std::promise<void> destroyed;
  asio::post(io, [&] {
    a.reset();  // destroyed on the io thread, as Transport requires
    b.reset();
    destroyed.set_value();
  });
  destroyed.get_future().wait();
  work.reset();
  io_thread.join();
  EXPECT_EQ(hb.messages.size(), count);
}

}  // namespace
}  // namespace convoy::runtime
