// Forward compatibility and the schema itself: fields a newer member adds are skipped (in the
// version-2 messages as much as in the old ones), fields an older sender leaves out read as their
// documented defaults, and the field numbers and types are the ones docs/protocol.md lists
// (renumbering a field breaks every deployed member; this catches it).
//
// The generated classes are protobuf-lite (no descriptors, no reflection: docs/design.md, "The
// agent's memory"), so the future fields are appended to a message's encoding as raw bytes, and
// the schema is checked against the descriptor set protoc writes from the same
// convoy.proto at build time (CONVOY_SCHEMA_DESCRIPTORS, tests/CMakeLists.txt).
#include "wire_test_support.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace convoy::wire::test {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MessageLite;
using google::protobuf::internal::WireFormatLite;

// Adds, to `m`, fields of every wire type at its next free numbers and far above: what a newer
// member might put there. (Packet has only two free numbers below its bodies, so the first two
// take the wire types a new field there would have.) Lite messages have no reflection: the
// fields are appended to m's encoding, which is parsed back, keeping them as unknown fields.
void add_future_fields(MessageLite& m, int first_free) {
  std::string bytes = m.SerializeAsString();
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(WireFormatLite::MakeTag(first_free, WireFormatLite::WIRETYPE_VARINT));
    out.WriteVarint64(42);
    out.WriteTag(
        WireFormatLite::MakeTag(first_free + 1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    out.WriteVarint32(6);
    out.WriteString("future");
    out.WriteTag(WireFormatLite::MakeTag(1000, WireFormatLite::WIRETYPE_FIXED64));
    out.WriteLittleEndian64(~0ULL);
    out.WriteTag(WireFormatLite::MakeTag(1001, WireFormatLite::WIRETYPE_FIXED32));
    out.WriteLittleEndian32(7);
    // The largest field number protobuf allows.
    out.WriteTag(WireFormatLite::MakeTag(536870911, WireFormatLite::WIRETYPE_VARINT));
    out.WriteVarint64(1);
  }  // the stream flushes into `bytes` here
  ASSERT_TRUE(m.ParseFromString(bytes));
}

struct FuturePlace {
  const char* where;
  pb::Packet (*valid)();
  MessageLite& (*message)(pb::Packet&);  ///< the message that gets the future fields
  int first_free;                        ///< its first unused field number
};

const std::vector<FuturePlace>& future_places() {
  static const std::vector<FuturePlace> places = {
      {"Packet", gossip_with_valid_update, [](pb::Packet& m) -> MessageLite& { return m; }, 3},
      {"MemberUpdate", gossip_with_valid_update,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_updates(0); }, 7},
      {"PingReq", valid_ping_req,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_ping_req(); }, 7},
      {"JoinRequest", valid_join_request,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_join_request(); }, 3},
      {"JoinResponse", valid_join_response,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_join_response(); }, 5},
      {"JoinResponse.joiner_store", valid_join_response,
       [](pb::Packet& m) -> MessageLite& {
         return *m.mutable_join_response()->mutable_joiner_store();
       },
       5},
      {"PushPull", valid_push_pull,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_push_pull(); }, 6},
      {"StoreDigest", valid_digest,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_digest(); }, 4},
      {"DigestRange", valid_digest,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_digest()->mutable_ranges(0); },
       4},
      {"StoreDigestDetail", valid_detail,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_digest_detail(); }, 5},
      {"StoreDigestDetail range", valid_detail,
       [](pb::Packet& m) -> MessageLite& {
         return *m.mutable_store_digest_detail()->mutable_ranges(0);
       },
       4},
      {"StoreWrite", valid_write,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_write(); }, 12},
      {"StoreWriteResult", [] { return valid_write_result(pb::StoreWriteResult::OUTCOME_DONE); },
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_write_result(); }, 8},
      {"StoreSync snapshot", sync_with_valid_snapshot_and_want,
       [](pb::Packet& m) -> MessageLite& { return *m.mutable_store_sync()->mutable_snapshots(0); },
       8},
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

// convoy.proto as protoc read it, built once.
const google::protobuf::DescriptorPool& schema() {
  static const auto pool = [] {
    google::protobuf::FileDescriptorSet set;
    std::ifstream in(CONVOY_SCHEMA_DESCRIPTORS, std::ios::binary);
    if (!in || !set.ParseFromIstream(&in) || set.file_size() != 1) {
      ADD_FAILURE() << "cannot read the descriptor set " << CONVOY_SCHEMA_DESCRIPTORS;
    }
    auto p = std::make_unique<google::protobuf::DescriptorPool>();
    if (set.file_size() == 1 && p->BuildFile(set.file(0)) == nullptr) {
      ADD_FAILURE() << "the descriptor set does not build";
    }
    return p;
  }();
  return *pool;
}

const google::protobuf::Descriptor* message(const char* name) {
  const auto* d = schema().FindMessageTypeByName(std::string("convoy.wire.pb.") + name);
  EXPECT_NE(d, nullptr) << name << " is not in convoy.proto";
  return d;
}

const FieldDescriptor* field(const google::protobuf::Descriptor* d, int number) {
  return d == nullptr ? nullptr : d->FindFieldByNumber(number);
}

void expect_field(const char* message_name, int number, const char* name,
                  FieldDescriptor::Type type) {
  const google::protobuf::Descriptor* d = message(message_name);
  const FieldDescriptor* f = field(d, number);
  ASSERT_NE(f, nullptr) << message_name << " has no field " << number;
  EXPECT_EQ(f->name(), name) << message_name << "." << number;
  EXPECT_EQ(f->type(), type) << message_name << "." << name;
}

// The generated code is the schema's: a field set through its accessor is written with the
// number and wire type the descriptor set gives (a stale generated header would differ).
TEST(Schema, GeneratedCodeWritesTheDescribedNumbers) {
  pb::Ping ping;
  ping.set_store_root(1);
  const std::string bytes = ping.SerializeAsString();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]),
            WireFormatLite::MakeTag(4, WireFormatLite::WIRETYPE_FIXED64));
  const FieldDescriptor* f = field(message("Ping"), 4);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name(), "store_root");
}

int field_count(const char* name) {
  const google::protobuf::Descriptor* d = message(name);
  return d == nullptr ? -1 : d->field_count();
}

// Protocol version 2's additions, at the numbers and types docs/protocol.md gives.
TEST(Schema, Version2FieldsHaveTheirDocumentedNumbersAndTypes) {
  using F = FieldDescriptor;
  expect_field("PingReq", 6, "nack_after_ms", F::TYPE_UINT32);
  expect_field("Ping", 4, "store_root", F::TYPE_FIXED64);
  expect_field("Ping", 5, "store_exchange", F::TYPE_FIXED64);
  expect_field("JoinRequest", 2, "request", F::TYPE_UINT64);
  expect_field("JoinResponse", 3, "request", F::TYPE_UINT64);
  expect_field("JoinResponse", 4, "joiner_store", F::TYPE_MESSAGE);
  expect_field("PushPull", 3, "heal", F::TYPE_BOOL);
  expect_field("PushPull", 4, "members_hash", F::TYPE_FIXED64);
  expect_field("PushPull", 5, "send_yours", F::TYPE_BOOL);
  expect_field("DigestRange", 1, "level", F::TYPE_UINT32);
  expect_field("DigestRange", 2, "index", F::TYPE_UINT32);
  expect_field("DigestRange", 3, "hash", F::TYPE_FIXED64);
  expect_field("StoreDigest", 2, "ranges", F::TYPE_MESSAGE);
  expect_field("StoreDigestDetail", 2, "owners", F::TYPE_MESSAGE);
  expect_field("StoreDigestDetail", 3, "ranges", F::TYPE_MESSAGE);
  expect_field("StoreWrite", 8, "requester_hi", F::TYPE_FIXED64);
  expect_field("StoreWrite", 9, "requester_lo", F::TYPE_FIXED64);
  expect_field("StoreWrite", 10, "expected_epoch", F::TYPE_UINT64);
  expect_field("StoreWrite", 11, "unconditional", F::TYPE_BOOL);
  expect_field("StoreWriteResult", 5, "owner_hi", F::TYPE_FIXED64);
  expect_field("StoreWriteResult", 6, "owner_lo", F::TYPE_FIXED64);
  expect_field("StoreWriteResult", 7, "epoch", F::TYPE_UINT64);
  expect_field("MemberUpdate", 7, "reporter_hi", F::TYPE_FIXED64);
  expect_field("MemberUpdate", 8, "reporter_lo", F::TYPE_FIXED64);
}

// Version 1's flat digest fields are retired, never reused: a number reused with another type
// would be misread by any member still sending the old one.
TEST(Schema, Version1DigestFieldsAreReserved) {
  for (const char* name : {"StoreDigest", "StoreDigestDetail"}) {
    const google::protobuf::Descriptor* d = message(name);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(field(d, 1), nullptr) << name;
    EXPECT_TRUE(d->IsReservedNumber(1)) << name;
  }
}

// Every message's field count: a field added without a test (and a line in docs/protocol.md)
// shows up here.
TEST(Schema, FieldCountsOfTheChangedMessages) {
  EXPECT_EQ(field_count("PingReq"), 6);
  EXPECT_EQ(field_count("Ping"), 5);
  EXPECT_EQ(field_count("JoinRequest"), 2);
  EXPECT_EQ(field_count("JoinResponse"), 4);
  EXPECT_EQ(field_count("PushPull"), 5);
  EXPECT_EQ(field_count("DigestRange"), 3);
  EXPECT_EQ(field_count("StoreDigest"), 2);
  EXPECT_EQ(field_count("StoreDigestDetail"), 3);
  EXPECT_EQ(field_count("StoreSync"), 3);
  EXPECT_EQ(field_count("StoreWrite"), 11);
  EXPECT_EQ(field_count("StoreWriteResult"), 7);
  EXPECT_EQ(field_count("MemberUpdate"), 8);
  EXPECT_EQ(field_count("Push"), 2);
  EXPECT_EQ(field_count("Prune"), 2);
  EXPECT_EQ(field_count("Packet"), 17);  // 2 lists + 15 bodies
}

}  // namespace
}  // namespace convoy::wire::test
