// Dashboard routes: see dashboard_routes.hpp.
#include "http/dashboard_routes.hpp"

#include "http/dashboard_assets.hpp"

#include <string>

namespace convoy::app {
namespace {

void serve(HttpResponse& res, const DashboardAsset& asset) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(std::string(asset.body), std::string(asset.content_type));
}

}  // namespace

void add_dashboard_routes(Router& router) {
  for (const DashboardAsset& asset : dashboard_assets()) {
    const DashboardAsset* a = &asset;  // the table is static: pointers stay valid
    router.get(std::string(asset.path),
               [a](const HttpRequest&, HttpResponse& res) { serve(res, *a); });
    if (asset.path == "/index.html")
      router.get("/", [a](const HttpRequest&, HttpResponse& res) { serve(res, *a); });
  }
}

}  // namespace convoy::app
