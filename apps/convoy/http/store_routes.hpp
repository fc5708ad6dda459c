// Store routes: this member's own store (/v1/store/...) and any member's store
// (/v1/members/{id}/store/...): read, write and delete, unconditionally or as compare-and-set on
// a version (?expect=VERSION[&epoch=EPOCH]). A write into another member's store is a request to
// its owner; docs/agent.md lists what each outcome answers (409 with the current item on a
// conflict, 503 when the owner is down or did not answer, with "status" telling failed from
// unknown).
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

namespace convoy::app {

void add_store_routes(Router& router, ApiContext& context);

}  // namespace convoy::app
