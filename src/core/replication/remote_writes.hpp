// RemoteWrites: compare-and-set writes into other members' stores. Only an owner writes its
// store, so a write into member B's store is a request to B over the stream path; B applies the
// compare-and-set to its own store (which spreads the result like any write of its own) and
// answers. This component keeps both sides.
//
// The caller's side: a request is named by (owner, request id) and only an answer from that
// owner settles it. Unanswered, the same request is sent again every third of write_timeout (a
// connection may have dropped it); still unanswered at write_timeout, the outcome is `unknown`,
// not `failed`: the owner may have applied it and only the answer was lost.
//
// The owner's side: it remembers its answers by (requester, request id) for twice the write
// timeout, so a retried request is answered again, never applied twice.
#pragma once

#include "core/context.hpp"
#include "core/dissemination/outbox.hpp"
#include "core/membership/membership.hpp"
#include "core/origin.hpp"
#include "core/replication/replication.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/address.hpp>
#include <convoy/item.hpp>
#include <convoy/member_id.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

namespace convoy::core {

/// Completion of a write. Called from inside the engine's handlers (or from the write call
/// itself for the engine's own store and for immediate failures): it must not call back into
/// the engine.
using WriteCallback = std::function<void(const WriteResult&)>;

class RemoteWrites {
 public:
  /// Answers an owner remembers for deduplication, at most: each is kept for twice the write
  /// timeout, so this bounds the rate of writes into one store whose retries are still
  /// deduplicated to 65,536 / (2 × write_timeout): ~10,000 a second with the default timeout.
  static constexpr std::size_t kRememberedAnswers = 65536;

  /// `seed` starts the request numbering somewhere no earlier life of this member used, so an
  /// owner's memory of a previous life's requests cannot answer this one's.
  RemoteWrites(Context& context, const Membership& membership, Outbox& outbox,
               Replication& replication, std::uint64_t seed);

  /// Sends a compare-and-set put of `key` to `owner` (another member). `done` runs with the
  /// owner's answer; at once with `failed` if the owner is unknown or not active or the write is
  /// invalid; with `unknown` after write_timeout without an answer.
  /// No expectation: the owner writes whatever the key holds.
  void put(const MemberId& owner, std::string_view key, std::string_view value,
           std::optional<Expectation> expected, TimePoint now, WriteCallback done);
  /// The same for a compare-and-set delete.
  void erase(const MemberId& owner, std::string_view key, std::optional<Expectation> expected,
             TimePoint now, WriteCallback done);

  /// Owner side: applies a write sent to us (once) and answers it.
  void on_store_write(const Origin& origin, const wire::StoreWrite& write, TimePoint now);
  /// Caller side: an owner's answer.
  void on_store_write_result(const wire::StoreWriteResult& result);

  /// Retries, timeouts, and forgetting old answers.
  void tick(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;

 private:
  struct Pending {
    wire::StoreWrite write;
    TimePoint deadline;
    TimePoint retry_at;
    WriteCallback done;
  };
  struct Answered {
    TimePoint forget_at;
    std::pair<MemberId, std::uint64_t> key;
  };
  void send(wire::StoreWrite write, TimePoint now, WriteCallback done);
  void transmit(const wire::StoreWrite& write);
  [[nodiscard]] Duration retry_interval() const { return ctx_.config.store.write_timeout / 3; }

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  Replication& replication_;
  std::map<std::uint64_t, Pending> pending_;  ///< by request id; the owner is in the write
  std::uint64_t next_request_;
  /// Owner side: answers by (requester, request), and when to forget each (FIFO: one timeout).
  std::map<std::pair<MemberId, std::uint64_t>, wire::StoreWriteResult> answers_;
  std::deque<Answered> answer_order_;
};

}  // namespace convoy::core
