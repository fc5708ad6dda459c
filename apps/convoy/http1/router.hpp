// Router: the server's table of routes, each a method and a PathPattern
// ("/v1/members/{id}/store/{key...}") with its handler. Routes are tried in the order added; the
// first that matches serves the request, with the pattern's captures in HttpRequest::matches. A
// HEAD request is served by the GET route (the server sends the head only). When no route
// takes the request, route() says whether the path is unknown (404) or only the method is
// wrong (405, with the methods that would do).
#pragma once

#include "http1/http_request.hpp"
#include "http1/http_response.hpp"
#include "http1/path_pattern.hpp"

#include <functional>
#include <string>
#include <vector>

namespace convoy::app {

class Router {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;

  void get(const std::string& pattern, Handler handler);
  void put(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler);
  void del(const std::string& pattern, Handler handler);
  void add(std::string method, const std::string& pattern, Handler handler);

  struct Outcome {
    bool handled = false;
    /// When not handled: the methods whose routes match the path ("GET, PUT"); empty when no
    /// route matches it at all.
    std::string allowed;
  };
  /// Runs the handler of the first route matching `request` (setting its `matches`). Exceptions
  /// from the handler pass through.
  Outcome route(HttpRequest& request, HttpResponse& response) const;

 private:
  struct Route {
    std::string method;
    PathPattern pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace convoy::app
