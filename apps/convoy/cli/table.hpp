// Table: columns aligned for people, the CLI's default output ("--json" prints the agent's JSON
// instead). Widths are counted in code points, so a UTF-8 value does not skew the columns.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace convoy::app {

class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void row(std::vector<std::string> cells);
  void print(std::ostream& out) const;
  [[nodiscard]] bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// A value fit for one table cell: control characters shown as escapes, long values cut with
/// an ellipsis.
[[nodiscard]] std::string cell(const std::string& value, std::size_t max_width = 60);

}  // namespace convoy::app
