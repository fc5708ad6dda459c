#!/usr/bin/env bash
# The last test of a sanitizer run: fails, printing them, if any process of the suite wrote a
# sanitizer report. Every process a test starts (agents, test nodes, examples, the demo's
# agents) inherits the test preset's *SAN_OPTIONS, which send reports to this folder; a report
# of an agent that a test then killed with SIGKILL would otherwise vanish with its log.
# usage: no_reports.sh REPORT_DIR
set -euo pipefail
dir="$1"
shopt -s nullglob
reports=("$dir"/report.*)
if [ "${#reports[@]}" -eq 0 ]; then
  echo "no sanitizer report in $dir"
  exit 0
fi
echo "${#reports[@]} sanitizer report(s) in $dir:"
for r in "${reports[@]}"; do
  echo "===== $r"
  head -60 "$r"
done
exit 1
