// Transport, datagrams: round trips on IPv4 and IPv6 with the sender's bound address as `from`,
// one port shared by UDP and TCP, size limits on both sides, a receive loop that survives send
// errors, and reads that lose nothing (a burst queued before the loop runs, a trickle).
#include "runtime/transport.hpp"

#include "event_loop.hpp"
#include "raw_tcp_peer.hpp"
#include "recording_handler.hpp"

#include <gtest/gtest.h>
#include <asio/ip/udp.hpp>

namespace convoy::runtime {
namespace {

using testing::bytes_of;
using testing::EventLoop;
using testing::RawTcpPeer;
using testing::RecordingHandler;
using testing::text_of;

TransportOptions on(const std::string& host) {
  TransportOptions options;
  options.bind_host = host;
  return options;
}

class DatagramRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(DatagramRoundTrip, ArrivesFromTheSendersBoundAddressAndBack) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on(GetParam()), ha);
  Transport b(loop.io(), on(GetParam()), hb);
  EXPECT_EQ(a.local_address(), a.advertise_address());  // a concrete bind advertises itself

  a.send_datagram(b.local_address(), bytes_of("ping"));
  ASSERT_TRUE(loop.run_until([&] { return hb.datagrams.size() == 1; }));
  EXPECT_EQ(hb.datagrams[0].from, a.local_address());
  EXPECT_EQ(text_of(hb.datagrams[0].bytes), "ping");

  b.send_datagram(hb.datagrams[0].from, bytes_of("pong"));
  ASSERT_TRUE(loop.run_until([&] { return ha.datagrams.size() == 1; }));
  EXPECT_EQ(text_of(ha.datagrams[0].bytes), "pong");
  EXPECT_EQ(ha.datagrams[0].from, b.local_address());

  EXPECT_EQ(a.stats().datagrams_out, 1u);
  EXPECT_EQ(a.stats().datagram_bytes_out, 4u);
  EXPECT_EQ(b.stats().datagrams_in, 1u);
  EXPECT_EQ(b.stats().datagram_bytes_in, 4u);
}

INSTANTIATE_TEST_SUITE_P(V4AndV6, DatagramRoundTrip, ::testing::Values("127.0.0.1", "::1"));

TEST(TransportPort, ZeroPicksOnePortThatUdpAndTcpShare) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), on("127.0.0.1"), handler);
  const Address local = t.local_address();
  ASSERT_NE(local.port, 0);
  EXPECT_EQ(local.family, Address::Family::v4);

  RawTcpPeer tcp(loop.io());
  tcp.connect(local);  // throws if nothing listens on TCP at that port
  ASSERT_TRUE(loop.run_until([&] { return t.stats().connections_accepted == 1; }));

  asio::ip::udp::socket udp(loop.io(), asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const auto payload = bytes_of("over udp");
  udp.send_to(asio::buffer(payload), asio::ip::udp::endpoint(to_ip(local), local.port));
  ASSERT_TRUE(loop.run_until([&] { return handler.datagrams.size() == 1; }));
  EXPECT_EQ(text_of(handler.datagrams[0].bytes), "over udp");
}

TEST(TransportPort, ExplicitPortIsUsedForBothProtocols) {
  EventLoop loop;
  RecordingHandler handler;
  std::uint16_t port = 0;
  {
    Transport probe(loop.io(), on("127.0.0.1"), handler);  // finds a port free for both
    port = probe.local_address().port;
  }
  TransportOptions options = on("127.0.0.1");
  options.port = port;
  Transport t(loop.io(), options, handler);
  EXPECT_EQ(t.local_address().port, port);
  EXPECT_EQ(t.advertise_address().port, port);

  RawTcpPeer tcp(loop.io());
  tcp.connect(t.local_address());
  tcp.write_frame(bytes_of("tcp"));
  t.send_datagram(t.local_address(), bytes_of("udp to myself"));
  ASSERT_TRUE(loop.run_until(
      [&] { return handler.messages.size() == 1 && handler.datagrams.size() == 1; }));
  EXPECT_EQ(handler.datagrams[0].from, t.local_address());
}

TEST(TransportDatagram, LargerThanMaxIsDroppedOnBothSidesAndTheLimitItselfPasses) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  TransportOptions small = on("127.0.0.1");
  small.max_datagram = 100;
  Transport a(loop.io(), on("127.0.0.1"), ha);  // default limit: sends 101 bytes
  Transport b(loop.io(), small, hb);

  a.send_datagram(b.local_address(), std::vector<std::uint8_t>(101, 1));
  a.send_datagram(b.local_address(), std::vector<std::uint8_t>(100, 2));
  ASSERT_TRUE(loop.run_until([&] { return hb.datagrams.size() == 1; }));
  ASSERT_TRUE(loop.run_until([&] { return b.stats().oversized_datagrams_in == 1; }));
  EXPECT_EQ(hb.datagrams[0].bytes, std::vector<std::uint8_t>(100, 2));

  b.send_datagram(a.local_address(), std::vector<std::uint8_t>(101, 3));
  EXPECT_EQ(b.stats().oversized_datagrams_out, 1u);
  EXPECT_EQ(b.stats().datagrams_out, 0u);
}

TEST(TransportDatagram, SendErrorsAreCountedAndReceptionContinues) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);

  // An IPv4 socket cannot send to IPv6.
  a.send_datagram(*Address::parse("[::1]:9"), bytes_of("x"));
  EXPECT_EQ(a.stats().datagram_send_errors, 1u);
  // A port nobody listens on: may come back as ICMP port unreachable on the socket.
  asio::ip::udp::socket probe(loop.io(), asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const Address closed = to_address(probe.local_endpoint());
  probe.close();
  for (int i = 0; i < 3; ++i) a.send_datagram(closed, bytes_of("nobody"));

  b.send_datagram(a.local_address(), bytes_of("still here"));
  ASSERT_TRUE(loop.run_until([&] { return ha.datagrams.size() == 1; }));
  EXPECT_EQ(text_of(ha.datagrams[0].bytes), "still here");
}

TEST(TransportDatagram, ABurstQueuedBeforeTheLoopRunsArrivesWholeAndInOrder) {
  // Many datagrams queued before the loop first runs (their readiness is there before any
  // receive is armed): every one arrives, in order, and the socket keeps receiving after.
  EventLoop loop;
  RecordingHandler hb;
  Transport b(loop.io(), on("127.0.0.1"), hb);
  asio::ip::udp::socket sender(loop.io(), asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const auto to =
      asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), b.local_address().port);
  constexpr int kBurst = 150;
  for (int i = 0; i < kBurst; ++i) sender.send_to(asio::buffer(bytes_of(std::to_string(i))), to);
  ASSERT_TRUE(loop.run_until([&] { return hb.datagrams.size() == kBurst; }))
      << hb.datagrams.size() << " of " << kBurst;
  for (int i = 0; i < kBurst; ++i) EXPECT_EQ(text_of(hb.datagrams[i].bytes), std::to_string(i));
  sender.send_to(asio::buffer(bytes_of("after")), to);
  ASSERT_TRUE(loop.run_until([&] { return hb.datagrams.size() == kBurst + 1; }));
  EXPECT_EQ(b.stats().datagrams_in, static_cast<std::uint64_t>(kBurst + 1));
}

TEST(TransportDatagram, ATrickleArrivesOneByOneEachAfterTheLastWasRead) {
  // Each datagram is sent only once the one before it was read: each must wake the loop on
  // its own (the wait re-armed after a read that emptied the socket).
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);
  for (std::size_t i = 1; i <= 50; ++i) {
    a.send_datagram(b.local_address(), bytes_of("n" + std::to_string(i)));
    ASSERT_TRUE(loop.run_until([&] { return hb.datagrams.size() == i; })) << i;
  }
}

TEST(TransportDatagram, DualStackWildcardReportsIpv4SendersAsPlainIpv4) {
  EventLoop loop;
  RecordingHandler hv6;
  RecordingHandler hv4;
  TransportOptions any6 = on("::");
  any6.advertise_host = "::1";  // no interface lookup needed for this test
  Transport dual(loop.io(), any6, hv6);
  Transport v4(loop.io(), on("127.0.0.1"), hv4);

  Address to = *Address::parse("127.0.0.1:0");
  to.port = dual.local_address().port;
  v4.send_datagram(to, bytes_of("mapped?"));
  ASSERT_TRUE(loop.run_until([&] { return hv6.datagrams.size() == 1; }));
  EXPECT_EQ(hv6.datagrams[0].from, v4.local_address());

  dual.send_datagram(v4.local_address(), bytes_of("back over v4"));
  ASSERT_TRUE(loop.run_until([&] { return hv4.datagrams.size() == 1; }));
  EXPECT_EQ(hv4.datagrams[0].from.port, dual.local_address().port);
  EXPECT_EQ(hv4.datagrams[0].from.family, Address::Family::v4);
}

}  // namespace
}  // namespace convoy::runtime
