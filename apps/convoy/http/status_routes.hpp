// Status routes: GET /v1/health (is this member running, who is it, how healthy, how many
// members it sees), GET /v1/config (the protocol settings it runs, after the profile, the config
// file and the flags) and GET /metrics (Prometheus text). Both are cheap reads of the Host's
// snapshot, fit for a load balancer's or a scraper's frequent polling.
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

namespace convoy::app {

void add_status_routes(Router& router, ApiContext& context);

}  // namespace convoy::app
