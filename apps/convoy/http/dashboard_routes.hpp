// Dashboard routes: GET / serves the dashboard's page and GET /<file> its scripts and styles,
// from the files embedded in the binary. The page itself talks to the API (/v1/...).
#pragma once

#include <httplib.h>

namespace convoy::app {

void add_dashboard_routes(httplib::Server& server);

}  // namespace convoy::app
