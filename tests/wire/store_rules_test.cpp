// Validation of the store messages: nil owners, requesters and answering owners; keys out of
// 1..256 bytes; tombstones with a value; unknown write outcomes. Each crafted input starts from
// a valid message (checked) and breaks one rule.
#include "wire_test_support.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace convoy::wire::test {
namespace {

constexpr pb::StoreWriteResult::Outcome kOutcomes[] = {pb::StoreWriteResult::OUTCOME_DONE,
                                                       pb::StoreWriteResult::OUTCOME_CONFLICT,
                                                       pb::StoreWriteResult::OUTCOME_FAILED};

// A place where a message carries a 128-bit id that must not be nil, and how to set its halves.
struct IdPlace {
  const char* where;
  pb::Packet (*valid)();
  void (*set)(pb::Packet&, std::uint64_t hi, std::uint64_t lo);
};

const std::vector<IdPlace>& non_nil_ids() {
  static const std::vector<IdPlace> places = {
      {"StoreDelta owner", gossip_with_valid_delta,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_deltas(0)->set_owner_hi(hi);
         m.mutable_deltas(0)->set_owner_lo(lo);
       }},
      {"StoreSync snapshot owner", sync_with_valid_snapshot_and_want,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_sync()->mutable_snapshots(0)->set_owner_hi(hi);
         m.mutable_store_sync()->mutable_snapshots(0)->set_owner_lo(lo);
       }},
      {"StoreSync want owner", sync_with_valid_snapshot_and_want,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_sync()->mutable_wants(0)->set_owner_hi(hi);
         m.mutable_store_sync()->mutable_wants(0)->set_owner_lo(lo);
       }},
      {"JoinResponse store owner", valid_join_response,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_join_response()->mutable_stores(0)->set_owner_hi(hi);
         m.mutable_join_response()->mutable_stores(0)->set_owner_lo(lo);
       }},
      {"JoinResponse joiner_store owner", valid_join_response,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_join_response()->mutable_joiner_store()->set_owner_hi(hi);
         m.mutable_join_response()->mutable_joiner_store()->set_owner_lo(lo);
       }},
      {"StoreDigestDetail owner", valid_detail,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_digest_detail()->mutable_owners(0)->set_owner_hi(hi);
         m.mutable_store_digest_detail()->mutable_owners(0)->set_owner_lo(lo);
       }},
      {"StoreWrite owner", valid_write,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_write()->set_owner_hi(hi);
         m.mutable_store_write()->set_owner_lo(lo);
       }},
      {"StoreWrite requester", valid_write,
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_write()->set_requester_hi(hi);
         m.mutable_store_write()->set_requester_lo(lo);
       }},
      {"done StoreWriteResult owner",
       [] { return valid_write_result(pb::StoreWriteResult::OUTCOME_DONE); },
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_write_result()->set_owner_hi(hi);
         m.mutable_store_write_result()->set_owner_lo(lo);
       }},
      {"conflict StoreWriteResult owner",
       [] { return valid_write_result(pb::StoreWriteResult::OUTCOME_CONFLICT); },
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_write_result()->set_owner_hi(hi);
         m.mutable_store_write_result()->set_owner_lo(lo);
       }},
      // A failed write's item may be anything, but who answers must still be somebody: results
      // are matched by (owner, request).
      {"failed StoreWriteResult owner",
       [] { return valid_write_result(pb::StoreWriteResult::OUTCOME_FAILED); },
       [](pb::Packet& m, std::uint64_t hi, std::uint64_t lo) {
         m.mutable_store_write_result()->set_owner_hi(hi);
         m.mutable_store_write_result()->set_owner_lo(lo);
       }},
  };
  return places;
}

TEST(CodecReject, NilOwnerRequesterOrAnsweringOwnerIsInvalid) {
  for (const IdPlace& place : non_nil_ids()) {
    pb::Packet msg = place.valid();
    ASSERT_TRUE(decodes(msg)) << place.where;
    place.set(msg, 0, 0);
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << place.where;
    // Half an id is still an id.
    place.set(msg, 0, 1);
    EXPECT_TRUE(decodes(msg)) << place.where << ": low half only";
    place.set(msg, 1, 0);
    EXPECT_TRUE(decodes(msg)) << place.where << ": high half only";
  }
}

// A v1-style writer that does not say who it is (no requester fields at all) is refused: the
// owner could not tell its retries from somebody else's requests.
TEST(CodecReject, WriteWithoutRequesterIsInvalid) {
  pb::Packet msg = valid_write();
  msg.mutable_store_write()->clear_requester_hi();
  msg.mutable_store_write()->clear_requester_lo();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);

  pb::Packet result = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
  result.mutable_store_write_result()->clear_owner_hi();
  result.mutable_store_write_result()->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(result)), DecodeError::invalid);
}

// joiner_store is optional, but a present one is a full OwnerVersion: an empty message in its
// place (all fields default) names the nil owner and rejects the response.
TEST(CodecReject, EmptyJoinerStoreIsInvalid) {
  pb::Packet absent = valid_join_response();
  absent.mutable_join_response()->clear_joiner_store();
  EXPECT_FALSE(std::get<JoinResponse>(decoded(absent).body).joiner_store.has_value());

  pb::Packet empty = valid_join_response();
  empty.mutable_join_response()->mutable_joiner_store()->Clear();
  ASSERT_TRUE(empty.join_response().has_joiner_store());
  EXPECT_EQ(error_of(wrap(empty)), DecodeError::invalid);
}

// The nil-owner rule holds for every element of a list, not only the first.
TEST(CodecReject, NilOwnerAnywhereInAListIsInvalid) {
  pb::Packet detail = valid_detail();
  for (int i = 0; i < 20; ++i) fill_valid(*detail.mutable_store_digest_detail()->add_owners());
  ASSERT_TRUE(decodes(detail));
  detail.mutable_store_digest_detail()->mutable_owners(20)->clear_owner_hi();
  detail.mutable_store_digest_detail()->mutable_owners(20)->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(detail)), DecodeError::invalid);
}

TEST(CodecReject, UnspecifiedOrUnknownOutcomeIsInvalid) {
  for (auto outcome : kOutcomes) {
    EXPECT_TRUE(decodes(valid_write_result(outcome))) << "outcome " << outcome;
  }
  for (int outcome : {0, 4, 100, -1}) {
    pb::Packet msg = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
    msg.mutable_store_write_result()->set_outcome(
        static_cast<pb::StoreWriteResult::Outcome>(outcome));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << "outcome " << outcome;
  }
}

TEST(CodecReject, TombstoneWithAValueIsInvalid) {
  pb::Packet delta = gossip_with_valid_delta();
  delta.mutable_deltas(0)->set_deleted(true);
  EXPECT_EQ(error_of(wrap(delta)), DecodeError::invalid);
  delta.mutable_deltas(0)->clear_value();
  EXPECT_TRUE(decodes(delta));

  pb::Packet snapshot = sync_with_valid_snapshot_and_want();
  snapshot.mutable_store_sync()->mutable_snapshots(0)->mutable_items(0)->set_deleted(true);
  EXPECT_EQ(error_of(wrap(snapshot)), DecodeError::invalid);

  pb::Packet join = valid_join_response();
  join.mutable_join_response()->mutable_stores(0)->mutable_items(0)->set_deleted(true);
  EXPECT_EQ(error_of(wrap(join)), DecodeError::invalid);

  for (auto outcome : kOutcomes) {
    pb::Packet result = valid_write_result(outcome);
    result.mutable_store_write_result()->mutable_item()->set_deleted(true);
    EXPECT_EQ(error_of(wrap(result)), DecodeError::invalid) << "outcome " << outcome;
  }

  // An erase request may carry a value: the owner ignores it; nothing there is two states at once.
  pb::Packet erase = valid_write();
  erase.mutable_store_write()->set_erase(true);
  EXPECT_TRUE(decodes(erase));
}

TEST(CodecReject, EmptyOrOverlongKeyIsInvalid) {
  // Each setter puts `key` where one of the message kinds carries a key.
  using SetKey = void (*)(pb::Packet&, const std::string&);
  const std::vector<std::pair<const char*, SetKey>> places = {
      {"StoreDelta",
       [](pb::Packet& m, const std::string& k) {
         m = gossip_with_valid_delta();
         m.mutable_deltas(0)->set_key(k);
       }},
      {"StoreSnapshot item",
       [](pb::Packet& m, const std::string& k) {
         m = sync_with_valid_snapshot_and_want();
         m.mutable_store_sync()->mutable_snapshots(0)->mutable_items(0)->set_key(k);
       }},
      {"JoinResponse store item",
       [](pb::Packet& m, const std::string& k) {
         m = valid_join_response();
         m.mutable_join_response()->mutable_stores(0)->mutable_items(0)->set_key(k);
       }},
      {"StoreWrite",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write();
         m.mutable_store_write()->set_key(k);
       }},
      {"done StoreWriteResult",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write_result(pb::StoreWriteResult::OUTCOME_DONE);
         m.mutable_store_write_result()->mutable_item()->set_key(k);
       }},
      {"conflict StoreWriteResult",
       [](pb::Packet& m, const std::string& k) {
         m = valid_write_result(pb::StoreWriteResult::OUTCOME_CONFLICT);
         m.mutable_store_write_result()->mutable_item()->set_key(k);
       }},
  };
  for (const auto& [where, set_key] : places) {
    pb::Packet msg;
    set_key(msg, std::string(256, 'k'));
    EXPECT_TRUE(decodes(msg)) << where << ": 256 bytes";
    set_key(msg, std::string(1, '\0'));
    EXPECT_TRUE(decodes(msg)) << where << ": 1 byte";
    set_key(msg, std::string(257, 'k'));
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << where << ": 257 bytes";
    set_key(msg, "");
    EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid) << where << ": empty";
  }

  // A failed write's item may echo the bad key the write failed on.
  pb::Packet failed = valid_write_result(pb::StoreWriteResult::OUTCOME_FAILED);
  failed.mutable_store_write_result()->mutable_item()->clear_key();
  EXPECT_TRUE(decodes(failed));
  failed.mutable_store_write_result()->mutable_item()->set_key(std::string(1000, 'k'));
  EXPECT_TRUE(decodes(failed));
}

TEST(CodecReject, KeysAndValuesNeedNotBeUtf8) {
  // bytes, not string: protobuf's UTF-8 check must not decide what decodes.
  const std::string not_utf8 = "\xff\xfe\xc0\x80";
  pb::Packet msg = gossip_with_valid_delta();
  msg.mutable_deltas(0)->set_key(not_utf8);
  msg.mutable_deltas(0)->set_value(not_utf8);
  const DecodeResult r = decode(wrap(msg), kLimit);
  ASSERT_TRUE(r.packet.has_value());
  EXPECT_EQ(r.packet->deltas.at(0).item.key, not_utf8);
  EXPECT_EQ(r.packet->deltas.at(0).item.value, not_utf8);

  pb::Packet result = valid_write_result(pb::StoreWriteResult::OUTCOME_FAILED);
  result.mutable_store_write_result()->set_error(not_utf8);
  EXPECT_TRUE(decodes(result));
}

TEST(CodecReject, InvalidDeltaRejectsTheWholePacket) {
  // Like an invalid update: the sender is broken or hostile, so nothing of the packet is used.
  pb::Packet msg = gossip_with_valid_update();
  *msg.add_deltas() = gossip_with_valid_delta().deltas(0);
  *msg.add_deltas() = gossip_with_valid_delta().deltas(0);
  ASSERT_TRUE(decodes(msg));
  msg.mutable_deltas(1)->clear_key();
  EXPECT_EQ(error_of(wrap(msg)), DecodeError::invalid);
}

// An invalid body element rejects the packet even when the piggybacked lists are fine, and an
// invalid piggybacked element rejects it even when the body is a fine v2 body.
TEST(CodecReject, InvalidPartAnywhereRejectsAV2Body) {
  pb::Packet msg = valid_join_response();
  *msg.add_updates() = gossip_with_valid_update().updates(0);
  *msg.add_deltas() = gossip_with_valid_delta().deltas(0);
  ASSERT_TRUE(decodes(msg));
  pb::Packet bad_update = msg;
  bad_update.mutable_updates(0)->clear_ip();
  EXPECT_EQ(error_of(wrap(bad_update)), DecodeError::invalid);
  pb::Packet bad_joiner = msg;
  bad_joiner.mutable_join_response()->mutable_joiner_store()->clear_owner_hi();
  bad_joiner.mutable_join_response()->mutable_joiner_store()->clear_owner_lo();
  EXPECT_EQ(error_of(wrap(bad_joiner)), DecodeError::invalid);
}

}  // namespace
}  // namespace convoy::wire::test
