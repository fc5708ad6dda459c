// The dashboard's static files (apps/convoy/dashboard/*), embedded in the binary at build time
// by dashboard/embed_assets.cmake: the agent serves its dashboard with nothing installed beside
// it, and no build step but CMake's.
#pragma once

#include <span>
#include <string_view>

namespace convoy::app {

struct DashboardAsset {
  std::string_view path;          ///< "/index.html", "/dashboard.js", ...
  std::string_view content_type;  ///< "text/html; charset=utf-8", ...
  std::string_view body;
};

/// Every embedded file (generated: dashboard_assets.cpp in the build tree).
[[nodiscard]] std::span<const DashboardAsset> dashboard_assets();

}  // namespace convoy::app
