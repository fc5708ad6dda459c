#!/usr/bin/env bash
# End-to-end test of the `convoy sim` command line: a scenario run twice with one seed prints
# the same bytes, a different seed prints a different run, the figures say the cluster
# converged, and bad input is refused with a message and a non-zero exit. The same for
# schedule files, with the example kept beside their documentation.
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
# --help names every scenario.
help=$("$convoy" sim --help)
for name in join crash loss partition update churn schedule; do
  grep -q "$name" <<<"$help" || { echo "sim --help does not list $name: $help"; exit 1; }
done

# A schedule file replays byte for byte; --seed replaces the file's seed.
example="$(dirname "$0")/../../docs/examples/schedule-partition-restart.json"
s1=$("$convoy" sim --scenario schedule --schedule "$example" 2>/dev/null)
s2=$("$convoy" sim --scenario schedule --schedule "$example" 2>/dev/null)
s3=$("$convoy" sim --scenario schedule --schedule "$example" --seed 8 2>/dev/null)
[ "$s1" = "$s2" ] || { echo "same schedule, different output:"; echo "$s1"; echo "$s2"; exit 1; }
[ "$s1" != "$s3" ] || { echo "--seed did not change the run: $s1"; exit 1; }
grep -q '"scenario":"schedule"' <<<"$s1" || { echo "not a schedule run: $s1"; exit 1; }
grep -q '"formed":true' <<<"$s1" || { echo "the cluster never formed: $s1"; exit 1; }
grep -q '"membership_views_wrong":0' <<<"$s3" || { echo "membership did not converge: $s3"; exit 1; }
[ "$(wc -l <<<"$s1")" = 1 ] || { echo "not one JSON line: $s1"; exit 1; }

# A bad schedule: one line naming the file and the field, exit status 2.
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
echo '{"members": 64, "actions": [{"at": "1s", "action": "crash", "member": 70}]}' >"$bad"
set +e
err=$("$convoy" sim --scenario schedule --schedule "$bad" 2>&1 >/dev/null)
status=$?
set -e
[ "$status" = 2 ] || { echo "bad schedule: exit status $status, not 2"; exit 1; }
[ "$(wc -l <<<"$err")" = 1 ] || { echo "bad schedule: more than one line: $err"; exit 1; }
grep -q "actions\[0\].member: 70 is out of range (members: 64)" <<<"$err" ||
  { echo "bad schedule: unclear error: $err"; exit 1; }
if "$convoy" sim --scenario schedule 2>/dev/null; then
  echo "--scenario schedule without --schedule was accepted"; exit 1
fi
if "$convoy" sim --scenario schedule --schedule "$example" --nodes 5 2>/dev/null; then
  echo "--nodes with a schedule file was accepted"; exit 1
fi
echo "sim cli: ok"
