// FrameDecoder: frames survive every way the kernel can split them, hostile lengths are refused
// at the header, and mid_frame() is true exactly while a frame is incomplete (the connection's
// read deadline depends on it).
#include "runtime/frame_decoder.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace convoy::runtime {
namespace {

std::vector<std::uint8_t> framed(const std::vector<std::vector<std::uint8_t>>& bodies) {
  std::vector<std::uint8_t> out;
  for (const auto& body : bodies) {
    const FrameHeader header = encode_frame_header(static_cast<std::uint32_t>(body.size()));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

// Feeds `stream` in pieces of the given sizes (cycled), collecting every frame.
std::vector<std::vector<std::uint8_t>> decode_in_pieces(FrameDecoder& decoder,
                                                        const std::vector<std::uint8_t>& stream,
                                                        const std::vector<std::size_t>& pieces) {
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < stream.size(); ++i) {
    const std::size_t size = std::min(pieces[i % pieces.size()], stream.size() - offset);
    std::span<const std::uint8_t> input(stream.data() + offset, size);
    offset += size;
    while (!input.empty()) {
      const auto result = decoder.consume(input);
      EXPECT_NE(result, FrameDecoder::Result::oversized);
      if (result == FrameDecoder::Result::frame) {
        frames.emplace_back(decoder.frame().begin(), decoder.frame().end());
      }
    }
    decoder.trim();  // as the connection does after every read: must not lose a partial frame
  }
  return frames;
}

TEST(FrameHeader, IsBigEndian) {
  EXPECT_EQ(encode_frame_header(0x01020304u), (FrameHeader{1, 2, 3, 4}));
  EXPECT_EQ(decode_frame_header(FrameHeader{0xFF, 0, 0, 1}), 0xFF000001u);
}

RC_GTEST_PROP(FrameDecoder, AnySplitYieldsTheFramesInOrder,
              (const std::vector<std::vector<std::uint8_t>>& bodies)) {
  const auto stream = framed(bodies);
  auto pieces = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 40)));
  FrameDecoder decoder(1 << 20);
  RC_ASSERT(decode_in_pieces(decoder, stream, pieces) == bodies);
  RC_ASSERT(!decoder.mid_frame());
}

TEST(FrameDecoder, TrimFreesALargeSplitFrameOnlyOnceItIsComplete) {
  const std::vector<std::uint8_t> body(100 * 1024, 0x5A);
  const auto stream = framed({body});
  FrameDecoder decoder(1 << 20);
  std::span<const std::uint8_t> first(stream.data(), stream.size() / 2);
  EXPECT_EQ(decoder.consume(first), FrameDecoder::Result::need_more);
  decoder.trim();  // mid-frame: the half already copied must stay
  EXPECT_GE(decoder.held_bytes(), stream.size() / 2 - frame_header_size);
  std::span<const std::uint8_t> second(stream.data() + stream.size() / 2,
                                       stream.size() - stream.size() / 2);
  ASSERT_EQ(decoder.consume(second), FrameDecoder::Result::frame);
  EXPECT_TRUE(std::equal(body.begin(), body.end(), decoder.frame().begin(), decoder.frame().end()));
  decoder.trim();
  EXPECT_EQ(decoder.held_bytes(), 0u) << "an idle connection kept its largest frame's buffer";
}

TEST(FrameDecoder, TrimKeepsASmallBufferForTheNextSplitFrame) {
  const std::vector<std::uint8_t> body(1000, 1);
  const auto stream = framed({body});
  FrameDecoder decoder(1 << 20);
  std::span<const std::uint8_t> first(stream.data(), 10);
  std::span<const std::uint8_t> rest(stream.data() + 10, stream.size() - 10);
  EXPECT_EQ(decoder.consume(first), FrameDecoder::Result::need_more);
  ASSERT_EQ(decoder.consume(rest), FrameDecoder::Result::frame);
  decoder.trim();
  EXPECT_GE(decoder.held_bytes(), body.size());
}

TEST(FrameDecoder, OneByteAtATimeIncludingEmptyFrames) {
  const std::vector<std::vector<std::uint8_t>> bodies = {{}, {7}, {}, {1, 2, 3}, {}};
  FrameDecoder decoder(16);
  EXPECT_EQ(decode_in_pieces(decoder, framed(bodies), {1}), bodies);
}

TEST(FrameDecoder, MidFrameFromFirstHeaderByteUntilTheLastBodyByte) {
  const auto stream = framed({{1, 2, 3}});
  FrameDecoder decoder(16);
  EXPECT_FALSE(decoder.mid_frame());
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) {
    std::span<const std::uint8_t> input(&stream[i], 1);
    EXPECT_EQ(decoder.consume(input), FrameDecoder::Result::need_more) << "byte " << i;
    EXPECT_TRUE(decoder.mid_frame()) << "byte " << i;
  }
  std::span<const std::uint8_t> last(&stream.back(), 1);
  EXPECT_EQ(decoder.consume(last), FrameDecoder::Result::frame);
  EXPECT_FALSE(decoder.mid_frame());
}

TEST(FrameDecoder, MaxFrameIsAcceptedAndOneMoreIsRefusedAtTheHeader) {
  FrameDecoder exact(100);
  const auto ok = framed({std::vector<std::uint8_t>(100, 9)});
  EXPECT_EQ(decode_in_pieces(exact, ok, {7}).size(), 1u);

  FrameDecoder decoder(100);
  const FrameHeader header = encode_frame_header(101);
  std::span<const std::uint8_t> input(header);
  EXPECT_EQ(decoder.consume(input), FrameDecoder::Result::oversized);
}

TEST(FrameDecoder, HugeClaimIsRefusedWithoutWaitingForTheBody) {
  FrameDecoder decoder(8u << 20);
  const FrameHeader header = encode_frame_header(0xFFFFFFFFu);
  std::span<const std::uint8_t> first(header.data(), 2);
  EXPECT_EQ(decoder.consume(first), FrameDecoder::Result::need_more);
  std::span<const std::uint8_t> rest(header.data() + 2, 2);
  EXPECT_EQ(decoder.consume(rest), FrameDecoder::Result::oversized);
}

TEST(FrameDecoder, WholeFrameInOneInputIsAViewAndTheRestIsLeftForTheNextCall) {
  const auto stream = framed({{1, 2}, {3}});
  FrameDecoder decoder(16);
  std::span<const std::uint8_t> input(stream);
  ASSERT_EQ(decoder.consume(input), FrameDecoder::Result::frame);
  EXPECT_EQ(decoder.frame().data(), stream.data() + 4);  // no copy
  EXPECT_EQ(input.size(), 5u);
  ASSERT_EQ(decoder.consume(input), FrameDecoder::Result::frame);
  EXPECT_EQ(decoder.frame()[0], 3);
  EXPECT_TRUE(input.empty());
}

}  // namespace
}  // namespace convoy::runtime
