// Search route: every live item of every active member that matches a key, a value, a key
// prefix, or any combination of them (all must hold), from the directory's indexes.
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

namespace convoy::app {

void add_search_routes(Router& router, ApiContext& context);

}  // namespace convoy::app
