// Status routes: see status_routes.hpp.
#include "http/status_routes.hpp"

#include "http/api_response.hpp"
#include "http/prometheus_text.hpp"

#include <convoy/error.hpp>
#include <convoy/metrics.hpp>

namespace convoy::app {
namespace {

double uptime(const ApiContext& ctx) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
}

/// The stage, or null once the member has stopped (its keyring is gone with it).
Json encryption_text(const ApiContext& ctx) {
  try {
    return std::string(to_string(ctx.host().keyring().encryption));
  } catch (const Error&) {
    return nullptr;
  }
}

}  // namespace

void add_status_routes(Router& router, ApiContext& ctx) {
  router.get("/v1/health", guarded([&ctx](const HttpRequest&, HttpResponse& res) {
               const bool running = ctx.host().running();
               const Metrics m = ctx.host().metrics();
               Json body;
               body["status"] = running ? "ok" : "stopped";
               body["member"] = member_json(ctx.host().self(), ctx.host().id());
               body["health_score"] = m.health_score;
               body["encryption"] = encryption_text(ctx);
               body["members"] = Json{{"alive", m.members_alive},
                                      {"suspect", m.members_suspect},
                                      {"dead", m.members_dead},
                                      {"left", m.members_left}};
               body["http"] = ctx.http_address;
               body["event_streams"] = ctx.hub.open_streams();
               body["uptime_seconds"] = uptime(ctx);
               reply_json(res, running ? 200 : 503, body);
             }));
  router.get("/v1/config", guarded([&ctx](const HttpRequest&, HttpResponse& res) {
               reply_json(res, 200, config_json(ctx.config));
             }));
  router.get("/metrics", guarded([&ctx](const HttpRequest&, HttpResponse& res) {
               AgentGauges agent;
               agent.event_streams = ctx.hub.open_streams();
               agent.event_stream_limit = ctx.hub.max_streams();
               agent.event_frames_dropped = ctx.hub.frames_dropped();
               agent.events_published = ctx.hub.events_published();
               agent.uptime_seconds = uptime(ctx);
               res.set_content(prometheus_text(ctx.host().metrics(), ctx.host().keyring(), agent),
                               "text/plain; version=0.0.4; charset=utf-8");
             }));
}

}  // namespace convoy::app
