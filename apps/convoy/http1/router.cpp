// Router: see router.hpp.

#include "http1/router.hpp"

#include <algorithm>

namespace convoy::app {

void Router::get(const std::string& pattern, Handler handler) {
  add("GET", pattern, std::move(handler));
}

void Router::put(const std::string& pattern, Handler handler) {
  add("PUT", pattern, std::move(handler));
}

void Router::post(const std::string& pattern, Handler handler) {
  add("POST", pattern, std::move(handler));
}

void Router::del(const std::string& pattern, Handler handler) {
  add("DELETE", pattern, std::move(handler));
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back({std::move(method), PathPattern(pattern), std::move(handler)});
}

Router::Outcome Router::route(HttpRequest& request, HttpResponse& response) const {
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  for (const Route& r : routes_) {
    if (r.method != method) continue;
    if (r.pattern.match(request.path, &request.matches)) {
      r.handler(request, response);
      return {true, {}};
    }
  }
  std::vector<std::string> allowed;
  for (const Route& r : routes_)
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end() &&
        r.pattern.match(request.path, nullptr))
      allowed.push_back(r.method);
  Outcome outcome;
  for (const std::string& m : allowed) outcome.allowed += (outcome.allowed.empty() ? "" : ", ") + m;
  return outcome;
}

}  // namespace convoy::app
