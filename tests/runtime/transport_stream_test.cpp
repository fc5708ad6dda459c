// Transport, stream messages: a message to an address and its reply on the same connection,
// connection reuse per destination, order and integrity under volume (10,000 small messages
// with 4 MiB ones among them), traffic both ways on incoming and outgoing connections, and a
// handler that closes the transport in the middle of a burst.
#include "runtime/transport.hpp"

#include "event_loop.hpp"
#include "recording_handler.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace convoy::runtime {
namespace {

using testing::bytes_of;
using testing::EventLoop;
using testing::RecordingHandler;
using testing::text_of;

TransportOptions on(const std::string& host) {
  TransportOptions options;
  options.bind_host = host;
  return options;
}

class StreamRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(StreamRoundTrip, ReplyComesBackOnTheSameConnection) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on(GetParam()), ha);
  Transport b(loop.io(), on(GetParam()), hb);
  hb.react = [&](const testing::ReceivedMessage& m) { b.reply(m.stream, bytes_of("pong")); };

  const auto sent_on = a.send_stream(b.advertise_address(), bytes_of("ping"));
  ASSERT_TRUE(sent_on.has_value());
  ASSERT_TRUE(loop.run_until([&] { return ha.messages.size() == 1; }));

  ASSERT_EQ(hb.messages.size(), 1u);
  EXPECT_EQ(text_of(hb.messages[0].bytes), "ping");
  // The receiver sees the connection's source: A's IP with an ephemeral port, never A's
  // listening address, so it must not be mistaken for a member address.
  EXPECT_NE(hb.messages[0].peer, a.local_address());
  EXPECT_NE(hb.messages[0].peer.port, a.local_address().port);
  EXPECT_EQ(hb.messages[0].peer.ip, a.local_address().ip);
  EXPECT_EQ(hb.messages[0].peer.family, a.local_address().family);

  EXPECT_EQ(text_of(ha.messages[0].bytes), "pong");
  EXPECT_EQ(ha.messages[0].stream, *sent_on);
  EXPECT_EQ(ha.messages[0].peer, b.advertise_address());

  EXPECT_EQ(a.stats().connections_opened, 1u);
  EXPECT_EQ(b.stats().connections_accepted, 1u);
  EXPECT_EQ(a.stats().frames_out, 1u);
  EXPECT_EQ(a.stats().frame_bytes_out, 4u);
  EXPECT_EQ(b.stats().frames_in, 1u);
  EXPECT_EQ(a.stats().frames_in, 1u);
}

INSTANTIATE_TEST_SUITE_P(V4AndV6, StreamRoundTrip, ::testing::Values("127.0.0.1", "::1"));

TEST(TransportStream, MessagesToOneDestinationShareOneConnectionInOrder) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);

  const auto first = a.send_stream(b.advertise_address(), bytes_of("one"));
  const auto second = a.send_stream(b.advertise_address(), bytes_of("two"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 2; }));
  const auto third = a.send_stream(b.advertise_address(), bytes_of("three"));  // once open
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 3; }));

  EXPECT_EQ(first, second);
  EXPECT_EQ(first, third);
  EXPECT_EQ(text_of(hb.messages[0].bytes), "one");
  EXPECT_EQ(text_of(hb.messages[1].bytes), "two");
  EXPECT_EQ(text_of(hb.messages[2].bytes), "three");
  EXPECT_EQ(hb.messages[0].stream, hb.messages[2].stream);
  EXPECT_EQ(a.stats().connections_opened, 1u);
  EXPECT_EQ(b.stats().connections_accepted, 1u);
}

// Message i: its index in the first 8 bytes, then bytes derived from the index, so a message
// that is cut, merged, reordered or corrupted fails the check.
std::vector<std::uint8_t> numbered(std::uint64_t index, std::size_t size) {
  std::vector<std::uint8_t> out(std::max<std::size_t>(size, 8));
  std::memcpy(out.data(), &index, 8);
  for (std::size_t i = 8; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(index * 31 + i * 7);
  }
  return out;
}

TEST(TransportStream, TenThousandSmallAndSomeFourMegabyteMessagesArriveIntactInOrder) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);
  constexpr std::uint64_t count = 10'000;
  constexpr std::size_t large = 4u << 20;
  const auto size_of = [](std::uint64_t i) -> std::size_t {
    return i == 1 || i == 5000 || i == count - 1 ? large : 8 + i % 50;
  };
  std::optional<StreamId> stream;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto used = a.send_stream(b.advertise_address(), numbered(i, size_of(i)));
    ASSERT_TRUE(used.has_value()) << "message " << i << " was dropped";
    if (stream) {
      ASSERT_EQ(used, stream);
    }
    stream = used;
  }
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == count; }));
  for (std::uint64_t i = 0; i < count; ++i) {
    ASSERT_EQ(hb.messages[i].bytes, numbered(i, size_of(i))) << "message " << i;
  }
  EXPECT_EQ(a.stats().connections_opened, 1u);
  EXPECT_EQ(a.stats().frames_out, count);
  EXPECT_EQ(b.stats().frames_in, count);
  EXPECT_EQ(a.stats().queue_overflow_drops, 0u);
}

TEST(TransportStream, BothSidesTalkOnIncomingAndOutgoingConnections) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);

  const auto out = a.send_stream(b.advertise_address(), bytes_of("a1"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 1; }));
  const StreamId in = hb.messages[0].stream;
  b.reply(in, bytes_of("b1"));
  b.reply(in, bytes_of("b2"));
  ASSERT_TRUE(loop.run_until([&] { return ha.messages.size() == 2; }));
  a.reply(*out, bytes_of("a2"));  // reply() works on a connection we opened, too
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 2; }));

  EXPECT_EQ(text_of(ha.messages[0].bytes), "b1");
  EXPECT_EQ(text_of(ha.messages[1].bytes), "b2");
  EXPECT_EQ(ha.messages[1].stream, *out);
  EXPECT_EQ(text_of(hb.messages[1].bytes), "a2");
  EXPECT_EQ(hb.messages[1].stream, in);
  // B answering on the connection A opened is not B opening one of its own.
  EXPECT_EQ(b.stats().connections_opened, 0u);
}

TEST(TransportStream, ARefusedConnectionIsReportedWithItsDestination) {
  // The engine learns that nothing listens at a seed and asks the next one at once.
  EventLoop loop;
  RecordingHandler ha;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Address closed;
  {
    RecordingHandler hb;
    Transport b(loop.io(), on("127.0.0.1"), hb);
    closed = b.advertise_address();
  }
  ASSERT_TRUE(a.send_stream(closed, bytes_of("join?")).has_value());
  ASSERT_TRUE(loop.run_until([&] { return !ha.failed.empty(); }));
  EXPECT_EQ(ha.failed, std::vector<Address>{closed});
  EXPECT_EQ(a.stats().connect_failures, 1u);

  // A connection that opened and then closed is no failure to connect.
  RecordingHandler hc;
  Transport c(loop.io(), on("127.0.0.1"), hc);
  hc.react = [&](const testing::ReceivedMessage& m) { c.reply(m.stream, bytes_of("ok")); };
  ASSERT_TRUE(a.send_stream(c.advertise_address(), bytes_of("hello")).has_value());
  ASSERT_TRUE(loop.run_until([&] { return ha.messages.size() == 1; }));
  c.close();
  ASSERT_TRUE(loop.run_until([&] { return a.stats().connections_closed >= 2; }));
  EXPECT_EQ(ha.failed.size(), 1u);
}

TEST(TransportStream, EmptyMessageIsDeliveredAsEmpty) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);
  a.send_stream(b.advertise_address(), {});
  a.send_stream(b.advertise_address(), bytes_of("after"));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 2; }));
  EXPECT_TRUE(hb.messages[0].bytes.empty());
  EXPECT_EQ(text_of(hb.messages[1].bytes), "after");
}

TEST(TransportStream, LargerThanMaxFrameIsRefusedWithoutOpeningAConnection) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  TransportOptions small = on("127.0.0.1");
  small.max_frame = 1000;
  small.max_queued_bytes = 4096;
  Transport a(loop.io(), small, ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);

  EXPECT_FALSE(a.send_stream(b.advertise_address(), std::vector<std::uint8_t>(1001)));
  EXPECT_EQ(a.stats().oversized_frames_out, 1u);
  EXPECT_EQ(a.stats().connections_opened, 0u);
  ASSERT_TRUE(a.send_stream(b.advertise_address(), std::vector<std::uint8_t>(1000)));
  ASSERT_TRUE(loop.run_until([&] { return hb.messages.size() == 1; }));
  EXPECT_EQ(hb.messages[0].bytes.size(), 1000u);
}

TEST(TransportStream, HandlerClosingTheTransportStopsDeliveryMidBurst) {
  EventLoop loop;
  RecordingHandler ha;
  RecordingHandler hb;
  Transport a(loop.io(), on("127.0.0.1"), ha);
  Transport b(loop.io(), on("127.0.0.1"), hb);
  hb.react = [&](const testing::ReceivedMessage&) { b.close(); };

  for (int i = 0; i < 100; ++i) a.send_stream(b.advertise_address(), bytes_of("burst"));
  // A learns the connection ended when B closes it.
  ASSERT_TRUE(loop.run_until([&] { return a.stats().connections_closed == 1; }));
  EXPECT_EQ(hb.messages.size(), 1u);
  EXPECT_EQ(b.stats().connections_closed, 1u);
}

}  // namespace
}  // namespace convoy::runtime
