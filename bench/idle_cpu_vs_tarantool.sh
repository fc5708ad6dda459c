#!/bin/bash
# Idle CPU per member-second of Convoy (`convoy bench`, all members on one loop) and of
# Tarantool's SWIM (bench/tarantool_swim.lua, one event loop), run in turns so that both see the
# same machine; prints one line per run with the load average at its start. Issue 10, point 4.
# Usage: bench/idle_cpu_vs_tarantool.sh CONVOY_BINARY [PERIOD=200ms] [RUNS=4] [NODES=128]
set -euo pipefail
BIN=$1; PERIOD=${2:-200ms}; RUNS=${3:-4}; N=${4:-128}
case $PERIOD in
  *ms) SECONDS_PERIOD=$(python3 -c "print(${PERIOD%ms} / 1000)") ;;
  *s) SECONDS_PERIOD=${PERIOD%s} ;;
  *) echo "period like 200ms or 1s" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
for i in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  c=$("$BIN" bench --nodes "$N" --hosts-per-loop "$N" --probe-period "$PERIOD" --idle 30s \
        --updates 20 --settle 5s 2>/dev/null |
      python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(round(d["idle_cpu_ms_per_member_second"], 3))')
  echo "run $i convoy    (load $load): $c ms per member-second"
  load=$(cut -d' ' -f1 /proc/loadavg)
  t=$(timeout 400 tarantool "$HERE/tarantool_swim.lua" "$N" "$SECONDS_PERIOD" 30 5 2>/dev/null |
      tail -1 |
      python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(round(d["idle_cpu_ms_per_member_second"], 3))')
  echo "run $i tarantool (load $load): $t ms per member-second"
done
