// GET /v1/events: the event stream (Server-Sent Events) of membership and key changes, filtered
// by the query (?members=0, ?keys=0, ?self=0, ?member=ID, ?prefix=KEYPREFIX). Each client holds
// one stream of the EventHub: a bounded queue, an `overflow` frame when it fell behind, a
// comment line every 15 s so a vanished client is noticed, and a 503 once the agent serves as
// many streams as it allows (http.max_event_streams).
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

#include <chrono>

namespace convoy::app {

/// A comment line goes out this often on a quiet stream.
inline constexpr std::chrono::seconds kStreamHeartbeat{15};

void add_event_stream_route(Router& router, ApiContext& context);

}  // namespace convoy::app
