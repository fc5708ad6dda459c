// Transport, deadlines: no operation may wait forever. A peer that stops mid-header or
// mid-body, one that trickles a frame a byte at a time, an idle connection (incoming and
// outgoing), a connect to a closed port and a connect that never completes are each cut off and
// counted under their own name. Lower bounds on elapsed time are asserted (a deadline cannot fire
// early); upper bounds are not, since a loaded machine may be late.
#include "runtime/transport.hpp"

#include "event_loop.hpp"
#include "raw_tcp_peer.hpp"
#include "recording_handler.hpp"

#include <gtest/gtest.h>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace convoy::runtime {
namespace {

using std::chrono::milliseconds;
using testing::bytes_of;
using testing::EventLoop;
using testing::RawTcpPeer;
using testing::RecordingHandler;
using Clock = std::chrono::steady_clock;

constexpr milliseconds io_timeout{200};
constexpr milliseconds idle_timeout{400};

TransportOptions short_timeouts() {
  TransportOptions options;
  options.bind_host = "127.0.0.1";
  options.connect_timeout = milliseconds(300);
  options.io_timeout = io_timeout;
  options.idle_timeout = idle_timeout;
  return options;
}

class HalfFrame : public ::testing::TestWithParam<std::size_t> {};

TEST_P(HalfFrame, ThenSilenceIsCutOffAfterIoTimeout) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), short_timeouts(), handler);
  std::vector<std::uint8_t> frame(4 + 100, 7);
  const FrameHeader header = encode_frame_header(100);
  std::copy(header.begin(), header.end(), frame.begin());

  RawTcpPeer peer(loop.io());
  peer.connect(t.local_address());
  peer.start_reading();
  peer.write(std::span(frame).first(GetParam()));
  const auto sent = Clock::now();
  ASSERT_TRUE(loop.run_until([&] { return peer.closed(); }));
  EXPECT_GE(Clock::now() - sent, io_timeout);
  EXPECT_EQ(t.stats().read_timeouts, 1u);
  EXPECT_EQ(t.stats().idle_timeouts, 0u);
  EXPECT_TRUE(handler.messages.empty());
}

// Two bytes of the header; the whole header and part of the body.
INSTANTIATE_TEST_SUITE_P(Cuts, HalfFrame, ::testing::Values(2u, 14u));

TEST(TransportTimeout, TricklingAFrameDoesNotExtendItsDeadline) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), short_timeouts(), handler);
  RawTcpPeer peer(loop.io());
  peer.connect(t.local_address());
  peer.start_reading();
  peer.write(encode_frame_header(100));

  // One body byte every 20 ms: the frame would take 2 s, ten times io_timeout.
  asio::steady_timer drip(loop.io());
  const std::function<void()> drip_one = [&] {
    drip.expires_after(milliseconds(20));
    drip.async_wait([&](const std::error_code& ec) {
      if (ec || peer.closed()) return;
      const std::uint8_t byte = 1;
      std::error_code write_ec;
      asio::write(peer.socket(), asio::buffer(&byte, 1), write_ec);
      if (!write_ec) drip_one();
    });
  };
  drip_one();
  ASSERT_TRUE(loop.run_until([&] { return peer.closed(); }));
  drip.cancel();
  EXPECT_EQ(t.stats().read_timeouts, 1u);
  EXPECT_TRUE(handler.messages.empty());
}

TEST(TransportTimeout, IdleIncomingConnectionIsClosed) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), short_timeouts(), handler);
  RawTcpPeer peer(loop.io());
  peer.connect(t.local_address());
  peer.start_reading();
  peer.write_frame(bytes_of("then nothing"));
  const auto sent = Clock::now();
  ASSERT_TRUE(loop.run_until([&] { return peer.closed(); }));
  EXPECT_GE(Clock::now() - sent, idle_timeout);
  EXPECT_EQ(t.stats().idle_timeouts, 1u);
  EXPECT_EQ(t.stats().read_timeouts, 0u);
  EXPECT_EQ(handler.messages.size(), 1u);
}

TEST(TransportTimeout, IdleOutgoingConnectionIsClosedAndTheNextSendReconnects) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), short_timeouts(), ha);
  TransportOptions patient;
  patient.bind_host = "127.0.0.1";
  Transport b(loop.io(), patient, hb);

  const auto first = a.send_stream(b.advertise_address(), bytes_of("one"));
  ASSERT_TRUE(loop.run_until([&] { return a.stats().idle_timeouts == 1; }));
  ASSERT_TRUE(loop.run_until([&] { return b.stats().peer_closes == 1; }));
  const auto second = a.send_stream(b.advertise_address(), bytes_of("two"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 2; }));
  EXPECT_NE(first, second);  // a new connection, with a new id: ids are never reused
  EXPECT_EQ(a.stats().connections_opened, 2u);
  EXPECT_EQ(hb.messages[1].bytes, bytes_of("two"));
}

TEST(TransportTimeout, ConnectToAClosedPortDropsTheMessageWithoutHanging) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), short_timeouts(), handler);
  asio::ip::tcp::acceptor probe(loop.io(),
                                asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const Address closed = to_address(probe.local_endpoint());
  probe.close();

  ASSERT_TRUE(t.send_stream(closed, bytes_of("lost")));
  t.send_stream(closed, bytes_of("lost too"));  // queued behind the connect
  ASSERT_TRUE(loop.run_until([&] { return t.stats().connections_closed == 1; }));
  EXPECT_EQ(t.stats().connect_failures, 1u);
  EXPECT_EQ(t.stats().dropped_on_close, 2u);
  EXPECT_EQ(t.stats().frames_out, 0u);
}

// A listener whose accept queue is full (backlog 0, one connection already waiting, never
// accepted) makes Linux drop further SYNs, so a connect neither succeeds nor fails: exactly the
// case connect_timeout exists for, without needing an unroutable external address.
TEST(TransportTimeout, ConnectThatNeverCompletesTimesOut) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), short_timeouts(), handler);
  asio::ip::tcp::acceptor full(loop.io());
  const asio::ip::tcp::endpoint any(asio::ip::make_address("127.0.0.1"), 0);
  full.open(any.protocol());
  full.bind(any);
  full.listen(0);
  const Address address = to_address(full.local_endpoint());
  std::vector<std::unique_ptr<RawTcpPeer>> fillers;
  int connected = 0;
  for (int i = 0; i < 2; ++i) {  // the first fills the queue; the second stays stuck, as a check
    fillers.push_back(std::make_unique<RawTcpPeer>(loop.io()));
    fillers.back()->socket().async_connect(
        asio::ip::tcp::endpoint(to_ip(address), address.port),
        [&connected](const std::error_code& ec) { connected += ec ? 0 : 1; });
  }
  ASSERT_TRUE(loop.run_until([&] { return connected >= 1; }));

  const auto sent = Clock::now();
  ASSERT_TRUE(t.send_stream(address, bytes_of("waiting")));
  ASSERT_TRUE(loop.run_until([&] { return t.stats().connections_closed == 1; }));
  EXPECT_EQ(t.stats().connect_timeouts, 1u) << "connect_failures: " << t.stats().connect_failures;
  EXPECT_GE(Clock::now() - sent, milliseconds(300));
  EXPECT_EQ(t.stats().dropped_on_close, 1u);
  EXPECT_EQ(connected, 1) << "the accept queue was not full; the test proved nothing";
}

}  // namespace
}  // namespace convoy::runtime
