// Member routes: the members this agent knows (filtered by status), one member with its store,
// and the two administrative actions on a member: evict (removed for good) and fail (declared
// failed; a member that is in fact alive rejoins with a higher incarnation).
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

namespace convoy::app {

void add_member_routes(Router& router, ApiContext& context);

}  // namespace convoy::app
