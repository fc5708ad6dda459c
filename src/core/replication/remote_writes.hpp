// RemoteWrites: compare-and-set writes into other members' stores. Only an owner writes its
// store, so a write into member B's store is a request to B over the stream path; B applies the
// compare-and-set to its own store (which spreads the result like any write of its own) and
// answers. This component keeps the caller's side (requests in flight, their deadlines) and
// serves the owner's side.
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
#include <functional>
#include <map>
#include <string_view>

namespace convoy::core {

/// Completion of a write. Called from inside the engine's handlers (or from the write call
/// itself for the engine's own store and for immediate failures): it must not call back into
/// the engine.
using WriteCallback = std::function<void(const WriteResult&)>;

class RemoteWrites {
 public:
  RemoteWrites(Context& context, const Membership& membership, Outbox& outbox,
               Replication& replication);

  /// Sends a compare-and-set put of `key` to `owner` (another member). `done` runs with the
  /// owner's answer, or with `failed` at once if the owner is unknown, not active or the write
  /// is invalid, or after write_timeout without an answer.
  void put(const MemberId& owner, std::string_view key, std::string_view value,
           std::uint64_t expected, TimePoint now, WriteCallback done);
  /// The same for a compare-and-set delete.
  void erase(const MemberId& owner, std::string_view key, std::uint64_t expected, TimePoint now,
             WriteCallback done);

  /// Owner side: applies a write sent to us and answers it.
  void on_store_write(const Origin& origin, const wire::StoreWrite& write, TimePoint now);
  /// Caller side: the owner's answer.
  void on_store_write_result(const wire::StoreWriteResult& result);

  /// Fails the requests whose deadline has passed.
  void tick(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;

 private:
  struct Pending {
    TimePoint deadline;
    WriteCallback done;
  };
  void send(const MemberId& owner, wire::StoreWrite write, TimePoint now, WriteCallback done);

  Context& ctx_;
  const Membership& membership_;
  Outbox& outbox_;
  Replication& replication_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_request_ = 1;
};

}  // namespace convoy::core
