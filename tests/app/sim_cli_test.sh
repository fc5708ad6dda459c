#!/usr/bin/env bash
# End-to-end test of the `convoy sim` command line: a scenario run twice with one seed prints
# the same bytes, a different seed prints a different run, the figures say the cluster
# converged, and bad input is refused with a message and a non-zero exit.
set -euo pipefail
convoy="$1"

a=$("$convoy" sim --scenario join --nodes 40 --seed 7 2>/dev/null)
b=$("$convoy" sim --scenario join --nodes 40 --seed 7 2>/dev/null)
c=$("$convoy" sim --scenario join --nodes 40 --seed 8 2>/dev/null)
[ "$a" = "$b" ] || { echo "same seed, different output:"; echo "$a"; echo "$b"; exit 1; }
[ "$a" != "$c" ] || { echo "different seeds, same output: $a"; exit 1; }
grep -q '"converged":true' <<<"$a" || { echo "did not converge: $a"; exit 1; }
grep -q '"min_alive_seen":40' <<<"$a" || { echo "not everyone saw everyone: $a"; exit 1; }

if err=$("$convoy" sim --scenario nosuch --nodes 5 2>&1); then
  echo "an unknown scenario was accepted"; exit 1
fi
grep -q "unknown scenario" <<<"$err" || { echo "unclear error: $err"; exit 1; }
echo "sim cli: ok"
