// Forward compatibility and the schema itself: fields a newer member adds are skipped (in the
// version-2 messages as much as in the old ones), fields an older sender leaves out read as their
// documented defaults, and the field numbers and types are the ones docs/protocol.md lists
// (renumbering a field breaks every deployed member; this catches it).
#include "wire_test_support.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <functional>
#include <vector>

namespace convoy::wire::test {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Adds, to `m`, fields of every wire type at its next free numbers and far above: what a newer
// member might put there. (Packet has only two free numbers below its bodies, so the first two
// take the wire types a new field there would have.)
void add_future_fields(Message& m, int first_free) {
  auto* unknown = m.GetReflection()->MutableUnknownFields(&m);
  unknown->AddVarint(first_free, 42);
  unknown->AddLengthDelimited(first_free + 1, "future");
  unknown->AddFixed64(1000, ~0ULL);
  unknown->AddFixed32(1001, 7);
  unknown->AddVarint(536870911, 1);  // the largest field number protobuf allows
}

struct FuturePlace {
  const char* where;
  pb::Packet (*valid)();
  Message& (*message)(pb::Packet&);  ///< the message that gets the future fields
  int first_free;                    ///< its first unused field number
};

const std::vector<FuturePlace>& future_places() {
  static const std::vector<FuturePlace> places = {
      {"Packet", gossip_with_valid_update, [](pb::Packet& m) -> Message& { return m; }, 3},
      {"MemberUpdate", gossip_with_valid_update,
       [](pb::Packet& m) -> Message& { return *m.mutable_updates(0); }, 7},
      {"PingReq", valid_ping_req, [](pb::Packet& m) -> Message& { return *m.mutable_ping_req(); },
       7},
      {"JoinRequest", valid_join_request,
       [](pb::Packet& m) -> Message& { return *m.mutable_join_request(); }, 3},
      {"JoinResponse", valid_join_response,
       [](pb::Packet& m) -> Message& { return *m.mutable_join_response(); }, 5},
      {"JoinResponse.joiner_store", valid_join_response,
       [](pb::Packet& m) -> Message& { return *m.mutable_join_response()->mutable_joiner_store(); },
       5},
      {"PushPull", valid_push_pull,
       [](pb::Packet& m) -> Message& { return *m.mutable_push_pull(); }, 6},
      {"StoreDigest", valid_digest,
       [](pb::Packet& m) -> Message& { return *m.mutable_store_digest(); }, 4},
      {"DigestRange", valid_digest,
       [](pb::Packet& m) -> Message& { return *m.mutable_store_digest()->mutable_ranges(0); }, 4},
      {"StoreDigestDetail", valid_detail,
       [](pb::Packet& m) -> Message& { return *m.mutable_store_digest_detail(); }, 5},
      {"StoreDigestDetail range", valid_detail,
       [](pb::Packet& m) -> Message& {
         return *m.mutable_store_digest_detail()->mutable_ranges(0);
       },
       4},
      {"StoreWrite", valid_write,
       [](pb::Packet& m) -> Message& { return *m.mutable_store_write(); }, 12},
      {"StoreWriteResult", [] { return valid_write_result(pb::StoreWriteResult::OUTCOME_DONE); },
       [](pb::Packet& m) -> Message& { return *m.mutable_store_write_result(); }, 8},
      {"StoreSync snapshot", sync_with_valid_snapshot_and_want,
       [](pb::Packet& m) -> Message& { return *m.mutable_store_sync()->mutable_snapshots(0); }, 8},
  };
  return places;
}

// A newer member's extra fields must not make us drop its packets, nor change what we read.
TEST(ForwardCompatibility, UnknownFieldsAreSkippedInEveryMessage) {
  for (const FuturePlace& place : future_places()) {
    const pb::Packet plain = place.valid();
    const DecodeResult expected = decode(wrap(plain), kLimit);
    ASSERT_TRUE(expected.packet.has_value()) << place.where;

    pb::Packet newer = plain;
    add_future_fields(place.message(newer), place.first_free);
    ASSERT_GT(newer.ByteSizeLong(), plain.ByteSizeLong()) << place.where;
    const DecodeResult r = decode(wrap(newer), kLimit);
    ASSERT_TRUE(r.packet.has_value()) << place.where << ": refused as " << r.error;
    EXPECT_EQ(*r.packet, *expected.packet) << place.where;
  }
}

TEST(ForwardCompatibility, UnknownTopLevelFieldsAreSkipped) {
  // The free one-byte Packet numbers 3 and 4, written by hand.
  Bytes bytes = wrap(gossip_with_valid_update());
  bytes.insert(bytes.end(), {0x18, 0x2a});        // field 3 (free), varint 42
  bytes.insert(bytes.end(), {0x22, 0x02, 1, 2});  // field 4 (free), 2 bytes
  const DecodeResult r = decode(bytes, kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->updates.size(), 1u);

  // A body number from the future is not skippable: the packet has no body we know.
  Bytes future = header();
  future.insert(future.end(), {0x92, 0x01, 0x00});  // field 18, empty message
  EXPECT_EQ(error_of(future), DecodeError::invalid);
}

// What a sender that leaves the version-2 fields out (all of them hold their default) means:
// the relay's own nack deadline, request 0, no joiner store, a regular push-pull, a conditional
// write that expects any epoch.
TEST(ForwardCompatibility, OmittedNewFieldsReadAsTheirDefaults) {
  pb::Packet req = valid_ping_req();
  req.mutable_ping_req()->clear_nack_after_ms();
  EXPECT_EQ(std::get<PingReq>(decoded(req).body).nack_after_ms, 0u);

  pb::Packet join = valid_join_response();
  join.mutable_join_response()->clear_request();
  join.mutable_join_response()->clear_joiner_store();
  const auto response = std::get<JoinResponse>(decoded(join).body);
  EXPECT_EQ(response.request, 0u);
  EXPECT_FALSE(response.joiner_store.has_value());

  pb::Packet pp = valid_push_pull();
  pp.mutable_push_pull()->clear_heal();
  EXPECT_FALSE(std::get<PushPull>(decoded(pp).body).heal);

  pb::Packet write = valid_write();
  write.mutable_store_write()->clear_expected_epoch();
  write.mutable_store_write()->clear_unconditional();
  EXPECT_EQ(std::get<StoreWrite>(decoded(write).body).expected_epoch, 0u);
  EXPECT_FALSE(std::get<StoreWrite>(decoded(write).body).unconditional);

  pb::Packet result = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
  result.mutable_store_write_result()->clear_epoch();
  EXPECT_EQ(std::get<StoreWriteResult>(decoded(result).body).epoch, 0u);
}

// ---- The schema --------------------------------------------------------------------------------

const FieldDescriptor* field(const google::protobuf::Descriptor* d, int number) {
  return d->FindFieldByNumber(number);
}

void expect_field(const google::protobuf::Descriptor* d, int number, const char* name,
                  FieldDescriptor::Type type) {
  const FieldDescriptor* f = field(d, number);
  ASSERT_NE(f, nullptr) << d->name() << " has no field " << number;
  EXPECT_EQ(f->name(), name) << d->name() << "." << number;
  EXPECT_EQ(f->type(), type) << d->name() << "." << name;
}

// Protocol version 2's additions, at the numbers and types docs/protocol.md gives.
TEST(Schema, Version2FieldsHaveTheirDocumentedNumbersAndTypes) {
  using F = FieldDescriptor;
  expect_field(pb::PingReq::descriptor(), 6, "nack_after_ms", F::TYPE_UINT32);
  expect_field(pb::Ping::descriptor(), 4, "store_root", F::TYPE_FIXED64);
  expect_field(pb::Ping::descriptor(), 5, "store_exchange", F::TYPE_FIXED64);
  expect_field(pb::JoinRequest::descriptor(), 2, "request", F::TYPE_UINT64);
  expect_field(pb::JoinResponse::descriptor(), 3, "request", F::TYPE_UINT64);
  expect_field(pb::JoinResponse::descriptor(), 4, "joiner_store", F::TYPE_MESSAGE);
  expect_field(pb::PushPull::descriptor(), 3, "heal", F::TYPE_BOOL);
  expect_field(pb::PushPull::descriptor(), 4, "members_hash", F::TYPE_FIXED64);
  expect_field(pb::PushPull::descriptor(), 5, "send_yours", F::TYPE_BOOL);
  expect_field(pb::DigestRange::descriptor(), 1, "level", F::TYPE_UINT32);
  expect_field(pb::DigestRange::descriptor(), 2, "index", F::TYPE_UINT32);
  expect_field(pb::DigestRange::descriptor(), 3, "hash", F::TYPE_FIXED64);
  expect_field(pb::StoreDigest::descriptor(), 2, "ranges", F::TYPE_MESSAGE);
  expect_field(pb::StoreDigestDetail::descriptor(), 2, "owners", F::TYPE_MESSAGE);
  expect_field(pb::StoreDigestDetail::descriptor(), 3, "ranges", F::TYPE_MESSAGE);
  expect_field(pb::StoreWrite::descriptor(), 8, "requester_hi", F::TYPE_FIXED64);
  expect_field(pb::StoreWrite::descriptor(), 9, "requester_lo", F::TYPE_FIXED64);
  expect_field(pb::StoreWrite::descriptor(), 10, "expected_epoch", F::TYPE_UINT64);
  expect_field(pb::StoreWrite::descriptor(), 11, "unconditional", F::TYPE_BOOL);
  expect_field(pb::StoreWriteResult::descriptor(), 5, "owner_hi", F::TYPE_FIXED64);
  expect_field(pb::StoreWriteResult::descriptor(), 6, "owner_lo", F::TYPE_FIXED64);
  expect_field(pb::StoreWriteResult::descriptor(), 7, "epoch", F::TYPE_UINT64);
  expect_field(pb::MemberUpdate::descriptor(), 7, "reporter_hi", F::TYPE_FIXED64);
  expect_field(pb::MemberUpdate::descriptor(), 8, "reporter_lo", F::TYPE_FIXED64);
}

// Version 1's flat digest fields are retired, never reused: a number reused with another type
// would be misread by any member still sending the old one.
TEST(Schema, Version1DigestFieldsAreReserved) {
  for (const auto* d : {pb::StoreDigest::descriptor(), pb::StoreDigestDetail::descriptor()}) {
    EXPECT_EQ(field(d, 1), nullptr) << d->name();
    EXPECT_TRUE(d->IsReservedNumber(1)) << d->name();
  }
}

// Every message's field count: a field added without a test (and a line in docs/protocol.md)
// shows up here.
TEST(Schema, FieldCountsOfTheChangedMessages) {
  EXPECT_EQ(pb::PingReq::descriptor()->field_count(), 6);
  EXPECT_EQ(pb::Ping::descriptor()->field_count(), 5);
  EXPECT_EQ(pb::JoinRequest::descriptor()->field_count(), 2);
  EXPECT_EQ(pb::JoinResponse::descriptor()->field_count(), 4);
  EXPECT_EQ(pb::PushPull::descriptor()->field_count(), 5);
  EXPECT_EQ(pb::DigestRange::descriptor()->field_count(), 3);
  EXPECT_EQ(pb::StoreDigest::descriptor()->field_count(), 2);
  EXPECT_EQ(pb::StoreDigestDetail::descriptor()->field_count(), 3);
  EXPECT_EQ(pb::StoreSync::descriptor()->field_count(), 3);
  EXPECT_EQ(pb::StoreWrite::descriptor()->field_count(), 11);
  EXPECT_EQ(pb::StoreWriteResult::descriptor()->field_count(), 7);
  EXPECT_EQ(pb::MemberUpdate::descriptor()->field_count(), 8);
  EXPECT_EQ(pb::Push::descriptor()->field_count(), 2);
  EXPECT_EQ(pb::Prune::descriptor()->field_count(), 2);
  EXPECT_EQ(pb::Packet::descriptor()->field_count(), 17);  // 2 lists + 15 bodies
}

}  // namespace
}  // namespace convoy::wire::test
