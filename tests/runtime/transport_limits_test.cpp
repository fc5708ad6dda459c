// Transport, bounds: a hostile length prefix, the exact max_frame boundary, the connection
// limit on both sides, a peer that never reads while we flood it, and replies to connections
// that are gone. After every overrun the transport must still serve.
#include "runtime/transport.hpp"

#include "event_loop.hpp"
#include "raw_tcp_peer.hpp"
#include "recording_handler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

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

TEST(TransportLimits, HugeLengthPrefixClosesTheConnectionAndTheTransportKeepsServing) {
  EventLoop loop;
  RecordingHandler handler;
  Transport t(loop.io(), local(), handler);

  RawTcpPeer attacker(loop.io());
  attacker.connect(t.local_address());
  attacker.start_reading();
  attacker.write(encode_frame_header(0xFFFFFFF0u));  // ~4 GiB claimed, nothing sent
  ASSERT_TRUE(loop.run_until([&] { return attacker.closed(); }));
  EXPECT_EQ(t.stats().oversized_frames_in, 1u);
  EXPECT_EQ(t.stats().connections_closed, 1u);
  EXPECT_TRUE(handler.messages.empty());

  RawTcpPeer honest(loop.io());
  honest.connect(t.local_address());
  honest.write_frame(bytes_of("fine"));
  ASSERT_TRUE(loop.run_until([&] { return handler.messages.size() == 1; }));
  EXPECT_EQ(text_of(handler.messages[0].bytes), "fine");
}

TEST(TransportLimits, FrameOfExactlyMaxFramePassesAndOneByteMoreCloses) {
  EventLoop loop;
  RecordingHandler handler;
  TransportOptions options = local();
  options.max_frame = 1000;
  options.max_queued_bytes = 4096;
  Transport t(loop.io(), options, handler);

  RawTcpPeer peer(loop.io());
  peer.connect(t.local_address());
  peer.start_reading();
  peer.write_frame(std::vector<std::uint8_t>(1000, 5));
  ASSERT_TRUE(loop.run_until([&] { return handler.messages.size() == 1; }));
  EXPECT_FALSE(peer.closed());

  peer.write(encode_frame_header(1001));
  ASSERT_TRUE(loop.run_until([&] { return peer.closed(); }));
  EXPECT_EQ(t.stats().oversized_frames_in, 1u);
  EXPECT_EQ(handler.messages.size(), 1u);
}

TEST(TransportLimits, ConnectionsBeyondTheLimitAreRefusedBothWays) {
  EventLoop loop;
  RecordingHandler handler;
  RecordingHandler other_handler;
  TransportOptions options = local();
  options.max_connections = 4;
  Transport t(loop.io(), options, handler);
  Transport other(loop.io(), local(), other_handler);

  std::vector<std::unique_ptr<RawTcpPeer>> peers;
  for (int i = 0; i < 7; ++i) {
    peers.push_back(std::make_unique<RawTcpPeer>(loop.io()));
    peers.back()->connect(t.local_address());
    peers.back()->start_reading();
  }
  ASSERT_TRUE(loop.run_until(
      [&] { return t.stats().connections_accepted == 4 && t.stats().connections_refused == 3; }));
  const auto closed_peers = [&] {
    return std::count_if(peers.begin(), peers.end(), [](const auto& p) { return p->closed(); });
  };
  ASSERT_TRUE(loop.run_until([&] { return closed_peers() == 3; }));

  // Full: an outgoing connection would be one too many.
  EXPECT_FALSE(t.send_stream(other.advertise_address(), bytes_of("no room")));
  EXPECT_EQ(t.stats().connection_limit_drops, 1u);

  // Still serving the admitted ones...
  for (auto& p : peers) {
    if (!p->closed()) p->write_frame(bytes_of("admitted"));
  }
  ASSERT_TRUE(loop.run_until([&] { return handler.messages.size() == 4; }));

  // ...and a slot freed is a slot usable.
  for (auto& p : peers) p->close();
  ASSERT_TRUE(loop.run_until([&] { return t.stats().connections_closed == 4; }));
  ASSERT_TRUE(t.send_stream(other.advertise_address(), bytes_of("room now")));
  ASSERT_TRUE(loop.run_until([&] { return other_handler.messages.size() == 1; }));
}

TEST(TransportLimits, PeerThatNeverReadsHitsTheQueueBoundThenTheWriteTimeout) {
  EventLoop loop;
  RecordingHandler handler;
  TransportOptions options = local();
  options.max_frame = 1u << 20;
  options.max_queued_bytes = 4u << 20;
  options.io_timeout = std::chrono::milliseconds(200);
  Transport t(loop.io(), options, handler);

  // A listener that accepts and then never reads a byte.
  asio::ip::tcp::acceptor sink(loop.io(),
                               asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const Address sink_address = to_address(sink.local_endpoint());
  std::vector<asio::ip::tcp::socket> accepted;
  const std::function<void()> accept_forever = [&] {
    sink.async_accept([&](const std::error_code& ec, asio::ip::tcp::socket s) {
      if (ec) return;
      accepted.push_back(std::move(s));
      accept_forever();
    });
  };
  accept_forever();

  // Keep offering 1 MiB messages until the transport gives up on the connection: the kernel's
  // buffers fill, the queue fills (drops), and the stuck write outlives io_timeout.
  const std::vector<std::uint8_t> mebibyte(1u << 20, 0xAB);
  std::uint64_t offered = 0;
  ASSERT_TRUE(loop.run_until([&] {
    ++offered;
    t.send_stream(sink_address, mebibyte);
    return t.stats().write_timeouts == 1;
  }));
  const TransportStats s = t.stats();
  EXPECT_GT(s.queue_overflow_drops, 0u);
  EXPECT_GT(s.dropped_on_close, 0u);
  EXPECT_EQ(s.connections_closed, 1u);
  EXPECT_LT(s.frames_out, offered);

  // The transport opens a fresh connection for the next message.
  ASSERT_TRUE(t.send_stream(sink_address, bytes_of("again")));
  ASSERT_TRUE(loop.run_until([&] { return accepted.size() == 2; }));
  EXPECT_EQ(t.stats().connections_opened, 2u);
}

TEST(TransportLimits, ReplyToAConnectionThatIsGoneIsDroppedAndCounted) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  auto a = std::make_unique<Transport>(loop.io(), local(), ha);
  Transport b(loop.io(), local(), hb);

  a->send_stream(b.advertise_address(), bytes_of("hello"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 1; }));
  const StreamId stream = hb.messages[0].stream;
  a->close();
  ASSERT_TRUE(loop.run_until([&] { return b.stats().connections_closed == 1; }));
  EXPECT_EQ(b.stats().peer_closes, 1u);

  b.reply(stream, bytes_of("too late"));
  EXPECT_EQ(b.stats().reply_to_closed_drops, 1u);
  b.reply(stream + 1000, bytes_of("never existed"));
  EXPECT_EQ(b.stats().reply_to_closed_drops, 2u);
  EXPECT_EQ(b.stats().frames_out, 0u);
}

}  // namespace
}  // namespace convoy::runtime
