// EngineSink: what components hand back to the engine. News they create or receive about
// members (a failed probe suspects its target, an expired suspicion declares a death, a join
// response brings the whole cluster) is merged by the engine, which then reacts in every
// component; events go to the driver and the subscribers. The components that produce news or
// events need not know who else cares.
#pragma once

#include "core/membership/member_key.hpp"
#include "core/membership/membership.hpp"
#include "core/time.hpp"
#include "wire/message.hpp"

#include <convoy/event.hpp>

namespace convoy::core {

class EngineSink {
 public:
  /// Merges `news` (about anyone, this member included); true if it changed our view.
  virtual bool apply(const wire::MemberUpdate& news, TimePoint now, Provenance provenance) = 0;
  /// Tells the driver and the subscribers.
  virtual void emit(const Event& event) = 0;
  /// Spreads the current state of a member (kSelfKey: ourselves) as news: queued for
  /// piggybacking and pushed eagerly.
  virtual void announce(MemberKey key) = 0;

 protected:
  ~EngineSink() = default;
};

}  // namespace convoy::core
