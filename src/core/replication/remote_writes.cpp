// RemoteWrites: both sides of a write into another member's store (see remote_writes.hpp).
#include "core/replication/remote_writes.hpp"

#include <string>

namespace convoy::core {
namespace {

WriteResult failure(std::string why) {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = std::move(why);
  return r;
}

}  // namespace

RemoteWrites::RemoteWrites(Context& context, const Membership& membership, Outbox& outbox,
                           Replication& replication)
    : ctx_(context), membership_(membership), outbox_(outbox), replication_(replication) {}

void RemoteWrites::put(const MemberId& owner, std::string_view key, std::string_view value,
                       std::uint64_t expected, TimePoint now, WriteCallback done) {
  send(owner, wire::StoreWrite{0, owner, std::string(key), std::string(value), expected, false},
       now, std::move(done));
}

void RemoteWrites::erase(const MemberId& owner, std::string_view key, std::uint64_t expected,
                         TimePoint now, WriteCallback done) {
  send(owner, wire::StoreWrite{0, owner, std::string(key), std::string(), expected, true}, now,
       std::move(done));
}

void RemoteWrites::send(const MemberId& owner, wire::StoreWrite write, TimePoint now,
                        WriteCallback done) {
  auto finish = [&](const WriteResult& r) {
    if (done) done(r);
  };
  const std::uint32_t slot = membership_.find(owner);
  if (slot == MemberTable::kNoSlot) return finish(failure("unknown member " + owner.to_string()));
  const MemberRecord& r = membership_.at(slot);
  if (!is_active(r.status))
    return finish(
        failure("member " + owner.to_string() + " is " + std::string(to_string(r.status))));
  if (auto why =
          StoreReplica::invalid(write.key, write.value, replication_.limits(), KeySpace::user))
    return finish(failure(*why));

  write.request = next_request_++;
  pending_[write.request] = Pending{now + ctx_.config.store.write_timeout, std::move(done)};
  ++ctx_.stats.remote_writes_sent;
  outbox_.send_stream(r.address, wire::Packet{std::move(write), {}, {}});
}

void RemoteWrites::on_store_write(const Origin& origin, const wire::StoreWrite& w, TimePoint now) {
  wire::StoreWriteResult out;
  out.request = w.request;
  WriteResult result;
  if (w.owner != membership_.self().id)
    result = failure("not the owner of that store");
  else if (membership_.left())
    result = failure("the owner has left");
  else if (w.erase)
    result = replication_.erase(w.key, w.expected_version, now);
  else
    result = replication_.put(w.key, w.value, w.expected_version, now);
  switch (result.status) {
    case WriteStatus::done:
      out.outcome = wire::StoreWriteResult::Outcome::done;
      break;
    case WriteStatus::conflict:
      out.outcome = wire::StoreWriteResult::Outcome::conflict;
      break;
    case WriteStatus::failed:
      out.outcome = wire::StoreWriteResult::Outcome::failed;
      break;
  }
  out.item = wire::StoreItem{w.key, result.item.deleted ? std::string() : result.item.value,
                             result.item.version, result.item.deleted};
  out.error = result.error;
  outbox_.reply(origin, wire::Packet{std::move(out), {}, {}});
}

void RemoteWrites::on_store_write_result(const wire::StoreWriteResult& r) {
  auto it = pending_.find(r.request);
  if (it == pending_.end()) return;  // answered after its timeout: already failed
  WriteCallback done = std::move(it->second.done);
  pending_.erase(it);
  WriteResult result;
  switch (r.outcome) {
    case wire::StoreWriteResult::Outcome::done:
      result.status = WriteStatus::done;
      break;
    case wire::StoreWriteResult::Outcome::conflict:
      result.status = WriteStatus::conflict;
      break;
    case wire::StoreWriteResult::Outcome::failed:
      result.status = WriteStatus::failed;
      break;
  }
  result.item = to_item(r.item);
  result.error = r.error;
  if (done) done(result);
}

void RemoteWrites::tick(TimePoint now) {
  // Requests are numbered in order and share one timeout, so deadlines rise with the key.
  while (!pending_.empty() && pending_.begin()->second.deadline <= now) {
    WriteCallback done = std::move(pending_.begin()->second.done);
    pending_.erase(pending_.begin());
    if (done)
      done(failure("the owner did not answer within " +
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      ctx_.config.store.write_timeout)
                                      .count()) +
                   " ms"));
  }
}

TimePoint RemoteWrites::next_deadline() const {
  return pending_.empty() ? kNever : pending_.begin()->second.deadline;
}

}  // namespace convoy::core
