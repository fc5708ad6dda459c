// The envelope's rejection reasons, each from a crafted input: too short, foreign magic, another
// protocol version (version 1 above all: members of the previous protocol must be refused
// before their payload is read), oversized, and a payload protobuf cannot parse.
#include "wire_test_support.hpp"

namespace convoy::wire::test {
namespace {

TEST(CodecReject, TooShort) {
  EXPECT_EQ(error_of({}), DecodeError::too_short);
  EXPECT_EQ(error_of({'C', 'N', 'V', 'Y'}), DecodeError::too_short);
  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}, {}});
  truncated.resize(3);
  EXPECT_EQ(error_of(truncated), DecodeError::too_short);
}

TEST(CodecReject, ForeignMagic) {
  Bytes bytes = encode(Packet{Gossip{}, {}, {}});
  bytes[0] = 'X';
  EXPECT_EQ(error_of(bytes), DecodeError::bad_magic);
  EXPECT_EQ(error_of({'c', 'n', 'v', 'y', kProtocolVersion}), DecodeError::bad_magic);
}

TEST(CodecReject, UnsupportedVersion) {
  Bytes bytes = encode(Packet{Gossip{}, {}, {}});
  ASSERT_TRUE(decode(bytes, kLimit).packet.has_value());
  for (const int version : {0, 1, 3, 255}) {
    bytes[4] = static_cast<std::uint8_t>(version);
    EXPECT_EQ(error_of(bytes), DecodeError::unsupported_version) << "version " << version;
  }
}

// A version-1 member's packets are refused as unsupported_version, whatever they carry: above
// all its flat StoreDigest (field 1, 64 packed fixed64 buckets), which version 2 reserves, and
// which must never be taken for an empty digest tree.
TEST(CodecReject, Version1EnvelopeIsUnsupported) {
  std::string v1_digest;
  std::string buckets;
  for (int i = 0; i < 64; ++i) buckets.append(8, static_cast<char>(i + 1));
  append_bytes_field(v1_digest, 1, buckets);  // StoreDigest.buckets, packed
  std::string payload;
  append_bytes_field(payload, pb::Packet::kStoreDigestFieldNumber, v1_digest);
  Bytes v1 = header(1);
  v1.insert(v1.end(), payload.begin(), payload.end());
  EXPECT_EQ(error_of(v1), DecodeError::unsupported_version);

  // Every body of version 2, sent with version 1's envelope byte, is refused the same way.
  for (const pb::Packet& msg :
       {gossip_with_valid_update(), valid_ping_req(), valid_join_request(), valid_join_response(),
        valid_push_pull(), valid_digest(), valid_detail(), valid_write(),
        valid_write_result(pb::StoreWriteResult::OUTCOME_DONE)}) {
    ASSERT_TRUE(decodes(msg)) << msg.ShortDebugString();
    EXPECT_EQ(error_of(wrap(msg, 1)), DecodeError::unsupported_version) << msg.ShortDebugString();
  }

  // The same version-1 digest body behind a version-2 envelope is no digest at all: field 1 is
  // reserved (skipped as unknown), which leaves zero ranges.
  Bytes v2 = header();
  v2.insert(v2.end(), payload.begin(), payload.end());
  EXPECT_EQ(error_of(v2), DecodeError::invalid);
}

TEST(CodecReject, Oversized) {
  const Bytes bytes = encode(Packet{Gossip{}, {sample_update(Address::Family::v4)}, {}});
  EXPECT_TRUE(decode(bytes, bytes.size()).packet.has_value());
  EXPECT_EQ(error_of(bytes, bytes.size() - 1), DecodeError::oversized);
  // The size check comes first: an oversized input is not even looked at.
  EXPECT_EQ(error_of({'X', 'X', 'X'}, 2), DecodeError::oversized);
}

TEST(CodecReject, GarbagePayloadIsMalformed) {
  Bytes bytes = header();
  // Field 1, length-delimited, claims 5 bytes and has 1.
  bytes.insert(bytes.end(), {0x0a, 0x05, 0x01});
  EXPECT_EQ(error_of(bytes), DecodeError::malformed);

  Bytes bad_tag = header();
  bad_tag.insert(bad_tag.end(), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  EXPECT_EQ(error_of(bad_tag), DecodeError::malformed);

  Bytes truncated = encode(Packet{Ping{7, MemberId{1, 2}}, {}, {}});
  truncated.pop_back();
  EXPECT_EQ(error_of(truncated), DecodeError::malformed);
}

// A digest range cut in the middle of its hash: protobuf's parser refuses it before any rule
// of ours is asked.
TEST(CodecReject, TruncatedDigestRangeIsMalformed) {
  Bytes bytes = encode(Packet{StoreDigest{{DigestRange{0, 0, ~0ULL}}}, {}, {}});
  // Envelope 5, body tag and length 2, range tag and length 2, hash tag 1 + 8 bytes.
  ASSERT_EQ(bytes.size(), 18u);
  bytes.pop_back();
  EXPECT_EQ(error_of(bytes), DecodeError::malformed);
}

TEST(CodecReject, EveryReasonHasAName) {
  for (std::size_t i = 0; i < kDecodeErrorCount; ++i) {
    EXPECT_NE(to_string(static_cast<DecodeError>(i)), "unknown") << i;
  }
}

}  // namespace
}  // namespace convoy::wire::test
