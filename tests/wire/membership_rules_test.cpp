// Validation of the membership messages: what protobuf parses but Convoy refuses (no body, a nil
// member, a status or an address out of range, anywhere a member appears), and what it accepts
// on purpose. Each crafted input starts from a valid message (checked) and breaks one rule.
#include "wire_test_support.hpp"

namespace convoy::wire::test {
namespace {

TEST(CodecReject, NoBodyIsInvalid) {
  EXPECT_EQ(error_of(header()), DecodeError::invalid);  // the empty protobuf message
  pb::Packet msg = gossip_with_valid_update();
  msg.clear_body();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

TEST(CodecReject, BadIpLengthIsInvalid) {
  ASSERT_TRUE(decodes(gossip_with_valid_update()));
  for (std::size_t n : {0, 3, 5, 15, 17}) {
    pb::Packet msg = gossip_with_valid_update();
    msg.mutable_updates(0)->set_ip(std::string(n, '\x01'));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << n << " bytes";
  }
  ASSERT_TRUE(decodes(valid_ping_req()));
  pb::Packet req = valid_ping_req();
  req.mutable_ping_req()->set_target_ip("12345");
  EXPECT_EQ(error_of(wrap(req)), DecodeError::invalid);
}

TEST(CodecReject, BadStatusIsInvalid) {
  for (int status : {0, 6, 100, -1}) {
    pb::Packet msg = gossip_with_valid_update();
    msg.mutable_updates(0)->set_status(static_cast<pb::MemberStatus>(status));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << "status " << status;
  }
}

TEST(CodecReject, EvictedIsAValidStatus) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_status(pb::MEMBER_STATUS_EVICTED);
  const DecodeResult r = decode(wrap(msg), kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->updates.at(0).status, MemberStatus::evicted);
}

TEST(CodecReject, PortAboveRangeIsInvalid) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_port(65535);
  EXPECT_TRUE(decodes(msg));
  msg.mutable_updates(0)->set_port(65536);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);

  pb::Packet req = valid_ping_req();
  req.mutable_ping_req()->set_target_port(65536);
  EXPECT_EQ(error_of(wrap(req)), DecodeError::invalid);
}

TEST(CodecReject, NilMemberIdIsInvalid) {
  pb::Packet msg = gossip_with_valid_update();
  msg.mutable_updates(0)->set_id_hi(0);
  msg.mutable_updates(0)->set_id_lo(0);
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

// A bad member rejects the packet wherever it sits: in a join request, among a join response's
// members, among a push-pull's members (a healing one included).
TEST(CodecReject, InvalidMemberInsideABodyIsInvalid) {
  ASSERT_TRUE(decodes(valid_join_request()));
  pb::Packet no_self = valid_join_request();
  no_self.mutable_join_request()->clear_self();
  EXPECT_EQ(error_of(wrap(no_self)), DecodeError::invalid);
  pb::Packet nil_self = valid_join_request();
  nil_self.mutable_join_request()->mutable_self()->clear_id_hi();
  nil_self.mutable_join_request()->mutable_self()->clear_id_lo();
  EXPECT_EQ(error_of(wrap(nil_self)), DecodeError::invalid);

  ASSERT_TRUE(decodes(valid_join_response()));
  pb::Packet join = valid_join_response();
  join.mutable_join_response()->mutable_members(0)->clear_status();
  EXPECT_EQ(error_of(wrap(join)), DecodeError::invalid);

  ASSERT_TRUE(decodes(valid_push_pull()));
  pb::Packet heal = valid_push_pull();
  heal.mutable_push_pull()->mutable_members(0)->set_port(1u << 20);
  EXPECT_EQ(error_of(wrap(heal)), DecodeError::invalid);
}

// What the decoder leaves to the engine: a nil probe target (no member has it), a request id
// of 0, any nack deadline (the relay decides what to make of it).
TEST(CodecAccept, WhatOnlyTheEngineCanJudge) {
  pb::Packet ping;
  ping.mutable_ping()->set_seq(1);
  EXPECT_TRUE(decodes(ping));

  pb::Packet req = valid_ping_req();
  req.mutable_ping_req()->clear_target_hi();
  req.mutable_ping_req()->clear_target_lo();
  req.mutable_ping_req()->set_nack_after_ms(~0U);
  EXPECT_EQ(std::get<PingReq>(decoded(req).body).nack_after_ms, ~0U);

  pb::Packet join = valid_join_request();
  join.mutable_join_request()->clear_request();
  EXPECT_EQ(std::get<JoinRequest>(decoded(join).body).request, 0u);
}

}  // namespace
}  // namespace convoy::wire::test
