// Dashboard routes: GET / serves the dashboard's page and GET /<file> its scripts and styles,
// from the files embedded in the binary. The page itself talks to the API (/v1/...).
#pragma once

#include "http1/router.hpp"

namespace convoy::app {

void add_dashboard_routes(Router& router);

}  // namespace convoy::app
