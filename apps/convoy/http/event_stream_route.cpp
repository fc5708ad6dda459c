// GET /v1/events: see event_stream_route.hpp.
#include "http/event_stream_route.hpp"

#include "http/api_response.hpp"
#include "http/request_args.hpp"

namespace convoy::app {
namespace {

EventFilter filter_of(ApiContext& ctx, const HttpRequest& req) {
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

// Small frames are gathered into one write (one TCP segment, as TCP_NODELAY is on); a big one
// goes out from its shared copy as it is.
constexpr std::size_t kGatherLimit = 4096;

bool write_batch(const EventStream::Batch& batch, DataSink& sink) {
  std::string gathered;
  if (batch.dropped > 0) gathered = overflow_frame(batch.dropped);
  for (const Frame& f : batch.frames) {
    if (gathered.size() + f->size() <= kGatherLimit) {
      gathered += *f;
      continue;
    }
    if (!gathered.empty() && !sink.write(gathered.data(), gathered.size())) return false;
    gathered.clear();
    if (f->size() > kGatherLimit) {
      if (!sink.write(f->data(), f->size())) return false;
    } else {
      gathered = *f;
    }
  }
  if (gathered.empty() && batch.frames.empty()) gathered = ": ping\n\n";
  return gathered.empty() || sink.write(gathered.data(), gathered.size());
}

}  // namespace

void add_event_stream_route(Router& router, ApiContext& ctx) {
  router.get(
      "/v1/events", guarded([&ctx](const HttpRequest& req, HttpResponse& res) {
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
        // The stream is the connection's last response: its body ends when the connection
        // does, so it goes out unframed (no chunked encoding), and a frame goes from the hub's
        // one shared copy straight to the socket, however many streams carry it. (Chunked,
        // through cpp-httplib, every chunk was copied: with a thousand streams and 60 KB
        // values, 60 MB per event and contention on the allocator the protocol thread uses.)
        res.set_header("Connection", "close");
        // The first call greets (and tells EventSource how soon to reconnect); each
        // later call waits for frames, or sends a heartbeat comment after a quiet spell.
        auto greeted = std::make_shared<bool>(false);
        const std::string hello =
            "retry: 2000\n: convoy event stream of member " + ctx.host().id().to_string() + "\n\n";
        EventHub& hub = ctx.hub;
        res.set_content_provider(
            "text/event-stream",
            [stream, greeted, hello](DataSink& sink) {
              if (!*greeted) {
                *greeted = true;
                return sink.write(hello.data(), hello.size());
              }
              EventStream::Batch batch = stream->wait(kStreamHeartbeat);
              if (batch.closed) {
                sink.done();
                return true;
              }
              return write_batch(batch, sink);
            },
            [&hub, stream](bool) { hub.release(stream); });
      }));
}

}  // namespace convoy::app
