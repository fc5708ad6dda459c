// RemoteWrites: both sides of a write into another member's store (see remote_writes.hpp).
#include "core/replication/remote_writes.hpp"

#include "core/replication/store_epoch.hpp"

#include <algorithm>
#include <string>

namespace convoy::core {
namespace {

WriteResult failure(std::string why) {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = std::move(why);
  return r;
}

wire::StoreWriteResult::Outcome outcome_of(WriteStatus status) {
  switch (status) {
    case WriteStatus::done:
      return wire::StoreWriteResult::Outcome::done;
    case WriteStatus::conflict:
      return wire::StoreWriteResult::Outcome::conflict;
    case WriteStatus::failed:
    case WriteStatus::unknown:
      break;
  }
  return wire::StoreWriteResult::Outcome::failed;
}

WriteStatus status_of(wire::StoreWriteResult::Outcome outcome) {
  switch (outcome) {
    case wire::StoreWriteResult::Outcome::done:
      return WriteStatus::done;
    case wire::StoreWriteResult::Outcome::conflict:
      return WriteStatus::conflict;
    case wire::StoreWriteResult::Outcome::failed:
      break;
  }
  return WriteStatus::failed;
}

}  // namespace

RemoteWrites::RemoteWrites(Context& context, const Membership& membership, Outbox& outbox,
                           Replication& replication, std::uint64_t seed)
    : ctx_(context),
      membership_(membership),
      outbox_(outbox),
      replication_(replication),
      next_request_((std::uint64_t{life_nonce(seed)} << 32) | 1) {}

namespace {

void expect(wire::StoreWrite& w, const std::optional<Expectation>& expected) {
  w.unconditional = !expected.has_value();
  if (expected) {
    w.expected_version = expected->version;
    w.expected_epoch = expected->epoch;
  }
}

}  // namespace

void RemoteWrites::put(const MemberId& owner, std::string_view key, std::string_view value,
                       std::optional<Expectation> expected, TimePoint now, WriteCallback done) {
  wire::StoreWrite w;
  w.owner = owner;
  w.key = std::string(key);
  w.value = std::string(value);
  expect(w, expected);
  send(std::move(w), now, std::move(done));
}

void RemoteWrites::erase(const MemberId& owner, std::string_view key,
                         std::optional<Expectation> expected, TimePoint now, WriteCallback done) {
  wire::StoreWrite w;
  w.owner = owner;
  w.key = std::string(key);
  w.erase = true;
  expect(w, expected);
  send(std::move(w), now, std::move(done));
}

void RemoteWrites::send(wire::StoreWrite write, TimePoint now, WriteCallback done) {
  auto finish = [&](const WriteResult& r) {
    if (done) done(r);
  };
  const std::uint32_t slot = membership_.find(write.owner);
  if (slot == MemberTable::kNoSlot)
    return finish(failure("unknown member " + write.owner.to_string()));
  const MemberRecord& r = membership_.at(slot);
  if (!is_active(r.status))
    return finish(
        failure("member " + write.owner.to_string() + " is " + std::string(to_string(r.status))));
  if (auto why =
          StoreReplica::invalid(write.key, write.value, replication_.limits(), KeySpace::user))
    return finish(failure(*why));

  write.request = next_request_++;
  write.requester = membership_.self().id;
  transmit(write);
  const std::uint64_t request = write.request;
  pending_[request] = Pending{std::move(write), now + ctx_.config.store.write_timeout,
                              now + retry_interval(), std::move(done)};
}

void RemoteWrites::transmit(const wire::StoreWrite& write) {
  // To the owner's current address: it may have moved since the first attempt.
  const std::uint32_t slot = membership_.find(write.owner);
  if (slot == MemberTable::kNoSlot) return;
  ++ctx_.stats.remote_writes_sent;
  outbox_.send_stream(membership_.at(slot).address, wire::Packet{write, {}, {}});
}

void RemoteWrites::on_store_write(const Origin& origin, const wire::StoreWrite& w, TimePoint now) {
  const auto key = std::make_pair(w.requester, w.request);
  if (auto seen = answers_.find(key); seen != answers_.end()) {
    // A retry of a request we have answered: the same answer, not a second write.
    ++ctx_.stats.writes_deduplicated;
    outbox_.reply(origin, wire::Packet{seen->second, {}, {}});
    return;
  }
  WriteResult result;
  if (w.owner != membership_.self().id)
    result = failure("not the owner of that store");
  else if (membership_.left())
    result = failure("the owner has left");
  else {
    const std::optional<Expectation> expected =
        w.unconditional
            ? std::nullopt
            : std::optional<Expectation>(Expectation{w.expected_version, w.expected_epoch});
    result = w.erase ? replication_.erase(w.key, expected, now)
                     : replication_.put(w.key, w.value, expected, now);
  }
  wire::StoreWriteResult out;
  out.request = w.request;
  out.owner = membership_.self().id;
  out.outcome = outcome_of(result.status);
  out.item = wire::StoreItem{w.key, result.item.deleted ? std::string() : result.item.value,
                             result.item.version, result.item.deleted};
  out.epoch = result.item.epoch;
  out.error = result.error;
  if (answers_.size() >= kRememberedAnswers) {
    answers_.erase(answer_order_.front().key);
    answer_order_.pop_front();
  }
  answers_.emplace(key, out);
  answer_order_.push_back(Answered{now + 2 * ctx_.config.store.write_timeout, key});
  outbox_.reply(origin, wire::Packet{std::move(out), {}, {}});
}

void RemoteWrites::on_store_write_result(const wire::StoreWriteResult& r) {
  auto it = pending_.find(r.request);
  if (it == pending_.end() || it->second.write.owner != r.owner) {
    // Answered after its timeout, twice, or by somebody who is not the owner asked.
    ++ctx_.stats.write_results_dropped;
    return;
  }
  WriteCallback done = std::move(it->second.done);
  pending_.erase(it);
  WriteResult result;
  result.status = status_of(r.outcome);
  result.item = to_item(r.item, r.epoch);
  result.error = r.error;
  if (done) done(result);
}

void RemoteWrites::tick(TimePoint now) {
  // Requests are numbered in order and share one timeout, so deadlines rise with the key.
  while (!pending_.empty() && pending_.begin()->second.deadline <= now) {
    WriteCallback done = std::move(pending_.begin()->second.done);
    pending_.erase(pending_.begin());
    WriteResult unknown;
    unknown.status = WriteStatus::unknown;
    unknown.error = "the owner did not answer within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       ctx_.config.store.write_timeout)
                                       .count()) +
                    " ms; the write may or may not have been applied";
    if (done) done(unknown);
  }
  for (auto& [request, p] : pending_) {
    if (p.retry_at > now) continue;
    p.retry_at = now + retry_interval();
    transmit(p.write);
  }
  while (!answer_order_.empty() && answer_order_.front().forget_at <= now) {
    answers_.erase(answer_order_.front().key);
    answer_order_.pop_front();
  }
}

TimePoint RemoteWrites::next_deadline() const {
  TimePoint next = kNever;
  for (const auto& [request, p] : pending_) next = std::min({next, p.deadline, p.retry_at});
  if (!answer_order_.empty()) next = std::min(next, answer_order_.front().forget_at);
  return next;
}

}  // namespace convoy::core
