// ApiServer: the agent's HTTP server: every route of the API, the dashboard and /metrics, on
// our HttpServer (http1/), with the limits that keep a careless or hostile client from hurting
// the agent — bounded bodies (413), targets and header fields (414, 431: 8 KiB each), read and
// write timeouts, JSON error bodies for every error the server itself answers, and a thread for
// each connection up to a bound, so event streams never starve other requests
// (ElasticTaskQueue). It serves on threads of its own from serve() until stop().
#pragma once

#include "agent/agent_options.hpp"
#include "http/api_context.hpp"
#include "text/host_port.hpp"

#include "http1/http_server.hpp"
#include "http1/router.hpp"

#include <functional>
#include <string>

namespace convoy::app {

class ApiServer {
 public:
  /// Receives one line per request ("GET /v1/members 200"), for debug logs.
  using RequestLog = std::function<void(const std::string& line)>;

  ApiServer(ApiContext& context, const HttpLimits& limits, RequestLog request_log);
  /// Stops the server (see stop()).
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds `address` (port 0: any free port). Throws std::runtime_error saying what could not
  /// be bound.
  void bind(const HostPort& address);
  /// Starts serving on the bound address (the context's Host attached by now).
  void serve();
  /// "127.0.0.1:7947", with the port actually bound.
  [[nodiscard]] const std::string& address() const { return address_; }
  /// Ends every event stream, stops accepting and joins the server's threads.
  void stop();

 private:
  ApiContext& context_;
  RequestLog request_log_;
  Router router_;  ///< before server_, which uses it
  HttpServer server_;
  std::string address_;
};

}  // namespace convoy::app
