// GET /v1/events: see event_stream_route.hpp.
#include "http/event_stream_route.hpp"

#include "http/api_response.hpp"
#include "http/request_args.hpp"

namespace convoy::app {
namespace {

EventFilter filter_of(ApiContext& ctx, const httplib::Request& req) {
  EventFilter filter;
  filter.members = query_flag(req, "members", true);
  filter.keys = query_flag(req, "keys", true);
  filter.self = query_flag(req, "self", true);
  if (auto member = query_text(req, "member")) filter.member = resolve_member(ctx.host(), *member);
  if (auto prefix = query_text(req, "prefix")) filter.key_prefix = *prefix;
  return filter;
}

std::string overflow_frame(std::uint64_t dropped) {
  Json data;
  data["kind"] = "overflow";
  data["dropped"] = dropped;
  data["scope"] = "stream";
  return "event: overflow\ndata: " + dump_json(data) + "\n\n";
}

}  // namespace

void add_event_stream_route(httplib::Server& server, ApiContext& ctx) {
  server.Get(
      "/v1/events", guarded([&ctx](const httplib::Request& req, httplib::Response& res) {
        EventFilter filter = filter_of(ctx, req);
        std::shared_ptr<EventStream> stream = ctx.hub.open(std::move(filter));
        if (!stream) {
          // Close the connection too: a refused client must not keep a thread waiting
          // for its next request.
          res.set_header("Connection", "close");
          throw ApiError(503, "too_many_streams",
                         "this agent already serves " + std::to_string(ctx.hub.max_streams()) +
                             " event streams (http.max_event_streams)");
        }
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Accel-Buffering", "no");
        // The first call greets (and tells EventSource how soon to reconnect); each
        // later call waits for frames, or sends a heartbeat comment after a quiet spell.
        auto greeted = std::make_shared<bool>(false);
        const std::string hello =
            "retry: 2000\n: convoy event stream of member " + ctx.host().id().to_string() + "\n\n";
        EventHub& hub = ctx.hub;
        res.set_chunked_content_provider(
            "text/event-stream",
            [stream, greeted, hello](std::size_t, httplib::DataSink& sink) {
              if (!*greeted) {
                *greeted = true;
                return sink.write(hello.data(), hello.size());
              }
              EventStream::Batch batch = stream->wait(kStreamHeartbeat);
              if (batch.closed) {
                sink.done();
                return true;
              }
              std::string out;
              if (batch.dropped > 0) out += overflow_frame(batch.dropped);
              for (const Frame& f : batch.frames) out += *f;
              if (out.empty()) out = ": ping\n\n";
              return sink.write(out.data(), out.size());
            },
            [&hub, stream](bool) { hub.release(stream); });
      }));
}

}  // namespace convoy::app
