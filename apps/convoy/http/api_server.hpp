// ApiServer: the agent's HTTP server (cpp-httplib): every route of the API, the dashboard and
// /metrics, with the limits that keep a careless or hostile client from hurting the agent —
// bounded bodies (413), bounded headers and URIs (httplib's compiled limits: 8 KiB each),
// read and write timeouts, JSON error bodies for every error httplib itself answers, and a
// thread for each connection up to a bound, so event streams never starve other requests
// (ElasticTaskQueue). It serves on its own thread from serve() until stop().
#pragma once

#include "agent/agent_options.hpp"
#include "http/api_context.hpp"
#include "text/host_port.hpp"

#include <httplib.h>

#include <functional>
#include <string>
#include <thread>

namespace convoy::app {

class ApiServer {
 public:
  /// Receives one line per request ("GET /v1/members 200 0.4 ms"), for debug logs.
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
  void configure(const HttpLimits& limits);

  ApiContext& context_;
  RequestLog request_log_;
  httplib::Server server_;
  std::thread thread_;
  std::string address_;
  int listen_fd_ = -1;
};

}  // namespace convoy::app
