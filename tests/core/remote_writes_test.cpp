// Remote writes, both sides: the owner applies a request once however often it is retried, and
// refuses an expectation from another life of its store; the caller settles a request only with
// its owner's answer, retries with the same request id, and reports an unknown outcome — not a
// failure — when the owner stays silent.
#include "core/replication/store_epoch.hpp"
#include "engine_harness.hpp"

#include <gtest/gtest.h>

namespace convoy {
namespace {

using core::TimePoint;
using namespace std::chrono_literals;
using test::alive;
using test::EngineHarness;
using test::member_address;
using test::member_id;

constexpr std::uint64_t kOwner = 1;
constexpr std::uint64_t kCaller = 2;

/// An engine joined into a cluster of members 1..3.
void join(EngineHarness& h, std::uint64_t self, TimePoint t) {
  h.begin_join(self == 1 ? 2 : 1, t);
  wire::JoinResponse r;
  for (std::uint64_t n = 1; n <= 3; ++n)
    if (n != self) r.members.push_back(alive(n));
  h.answer_join(r, t);
  ASSERT_TRUE(h.engine.joined());
}

wire::StoreWrite write_request(std::uint64_t request, std::uint64_t expected_version,
                               std::uint64_t expected_epoch = 0) {
  wire::StoreWrite w;
  w.request = request;
  w.owner = member_id(kOwner);
  w.requester = member_id(kCaller);
  w.key = "k";
  w.value = "v" + std::to_string(request);
  w.expected_version = expected_version;
  w.expected_epoch = expected_epoch;
  return w;
}

const wire::StoreWriteResult& last_result(const EngineHarness& h) {
  return std::get<wire::StoreWriteResult>(h.sent_of<wire::StoreWriteResult>().back()->packet.body);
}

TEST(RemoteWrites, TheOwnerAppliesARetriedRequestOnce) {
  EngineHarness owner(kOwner);
  TimePoint t{};
  join(owner, kOwner, t);
  owner.deliver_stream(wire::Packet{write_request(5, 0), {}, {}}, 11, t);
  ASSERT_EQ(last_result(owner).outcome, wire::StoreWriteResult::Outcome::done);
  EXPECT_EQ(last_result(owner).owner, member_id(kOwner));
  EXPECT_EQ(owner.engine.own_store().version(), 1u);
  // The same request again (its answer was lost, say), on another connection: answered the
  // same, applied once. Without the memory of answers it would conflict (version is 1 now) —
  // or, unconditional, apply twice.
  owner.deliver_stream(wire::Packet{write_request(5, 0), {}, {}}, 12, t);
  EXPECT_EQ(last_result(owner).outcome, wire::StoreWriteResult::Outcome::done);
  EXPECT_EQ(last_result(owner).item.version, 1u);
  EXPECT_EQ(owner.sent_of<wire::StoreWriteResult>().back()->reply_to,
            std::optional<core::StreamId>(12));
  EXPECT_EQ(owner.engine.own_store().version(), 1u);
  EXPECT_EQ(owner.engine.stats().writes_deduplicated, 1u);
  // Another request from the same caller is a new write.
  owner.deliver_stream(wire::Packet{write_request(6, 1), {}, {}}, 12, t);
  EXPECT_EQ(owner.engine.own_store().version(), 2u);
}

TEST(RemoteWrites, AnExpectationFromAnotherLifeOfTheStoreIsAConflict) {
  EngineHarness owner(kOwner);
  TimePoint t{};
  join(owner, kOwner, t);
  const std::uint64_t epoch = owner.engine.own_store().epoch();
  owner.deliver_stream(wire::Packet{write_request(1, 0, epoch), {}, {}}, 1, t);
  ASSERT_EQ(last_result(owner).outcome, wire::StoreWriteResult::Outcome::done);
  EXPECT_EQ(last_result(owner).epoch, epoch);
  // Version 1 is right, but it was read from a previous life (same counter, another nonce).
  const std::uint64_t other_life = core::make_epoch(core::epoch_counter(epoch),
                                                    core::epoch_nonce(epoch) ^ 0x5a5a);
  owner.deliver_stream(wire::Packet{write_request(2, 1, other_life), {}, {}}, 1, t);
  EXPECT_EQ(last_result(owner).outcome, wire::StoreWriteResult::Outcome::conflict);
  EXPECT_EQ(last_result(owner).item.version, 1u);
  EXPECT_EQ(last_result(owner).epoch, epoch);
  // A raised epoch of the same life keeps its versions: that expectation still holds.
  const std::uint64_t raised = core::make_epoch(core::epoch_counter(epoch) + 3,
                                                core::epoch_nonce(epoch));
  owner.deliver_stream(wire::Packet{write_request(3, 1, raised), {}, {}}, 1, t);
  EXPECT_EQ(last_result(owner).outcome, wire::StoreWriteResult::Outcome::done);
}

TEST(RemoteWrites, OnlyTheOwnersAnswerSettlesARequest) {
  EngineHarness caller(kCaller);
  TimePoint t{};
  join(caller, kCaller, t);
  std::optional<WriteResult> result;
  caller.engine.put(member_id(kOwner), "k", "v", Expectation{0}, t,
                    [&](const WriteResult& r) { result = r; });
  auto sent = caller.sent_of<wire::StoreWrite>();
  ASSERT_EQ(sent.size(), 1u);
  const auto& w = std::get<wire::StoreWrite>(sent[0]->packet.body);
  EXPECT_EQ(w.requester, member_id(kCaller));
  EXPECT_EQ(sent[0]->to, member_address(kOwner));

  wire::StoreWriteResult forged;
  forged.request = w.request;
  forged.owner = member_id(3);  // not the owner asked
  forged.outcome = wire::StoreWriteResult::Outcome::done;
  forged.item = {"k", "forged", 9, false};
  caller.deliver_stream(wire::Packet{forged, {}, {}}, 5, t);
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(caller.engine.stats().write_results_dropped, 1u);

  wire::StoreWriteResult real = forged;
  real.owner = member_id(kOwner);
  real.item = {"k", "v", 1, false};
  real.epoch = 77;
  caller.deliver_stream(wire::Packet{real, {}, {}}, 5, t);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, WriteStatus::done);
  EXPECT_EQ(result->item, (Item{"v", 1, false, 77}));
  // Answered twice: the second is dropped, not delivered again.
  caller.deliver_stream(wire::Packet{real, {}, {}}, 5, t);
  EXPECT_EQ(caller.engine.stats().write_results_dropped, 2u);
}

TEST(RemoteWrites, ASilentOwnerGetsRetriesThenAnUnknownOutcome) {
  EngineHarness caller(kCaller);
  TimePoint t{};
  join(caller, kCaller, t);
  std::optional<WriteResult> result;
  caller.engine.put(member_id(kOwner), "k", "v", Expectation{0}, t,
                    [&](const WriteResult& r) { result = r; });
  const std::uint64_t request =
      std::get<wire::StoreWrite>(caller.sent_of<wire::StoreWrite>()[0]->packet.body).request;
  const auto timeout = Config{}.store.write_timeout;
  for (TimePoint end = t + timeout - 10ms; t < end;) caller.engine.handle_timer(t += 10ms);
  EXPECT_FALSE(result.has_value());
  auto sent = caller.sent_of<wire::StoreWrite>();
  EXPECT_EQ(sent.size(), 3u);  // the first try and a retry every third of the timeout
  for (const auto* s : sent)
    EXPECT_EQ(std::get<wire::StoreWrite>(s->packet.body).request, request) << "same request id";
  for (int i = 0; i < 5; ++i) caller.engine.handle_timer(t += 10ms);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, WriteStatus::unknown);
}

TEST(RemoteWrites, ALostAnswerIsRetriedAndAppliedOnceEndToEnd) {
  EngineHarness owner(kOwner);
  EngineHarness caller(kCaller);
  TimePoint t{};
  join(owner, kOwner, t);
  join(caller, kCaller, t);
  std::optional<WriteResult> result;
  caller.engine.put(member_id(kOwner), "k", "v", std::nullopt, t,
                    [&](const WriteResult& r) { result = r; });
  // First attempt: the owner applies it, the answer is lost.
  owner.deliver_stream(caller.sent_of<wire::StoreWrite>().back()->packet, 1, t);
  ASSERT_EQ(owner.engine.own_store().version(), 1u);
  // The retry a third of the write timeout later reaches the owner, whose answer arrives.
  const std::size_t before = caller.sent_of<wire::StoreWrite>().size();
  while (caller.sent_of<wire::StoreWrite>().size() == before)
    caller.engine.handle_timer(t += 10ms);
  owner.deliver_stream(caller.sent_of<wire::StoreWrite>().back()->packet, 2, t);
  caller.deliver_stream(owner.sent_of<wire::StoreWriteResult>().back()->packet, 3, t);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, WriteStatus::done);
  EXPECT_EQ(result->item.version, 1u);
  EXPECT_EQ(owner.engine.own_store().version(), 1u) << "applied once";
}

}  // namespace
}  // namespace convoy
