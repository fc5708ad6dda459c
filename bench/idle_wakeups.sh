#!/bin/bash
# Idle cost of the agent: wakeups (voluntary context switches, summed over threads) and CPU per
# agent and second, for 3 idle agents on 127.0.0.1 over 20 s. Wakeups do not depend on the
# load of a shared machine the way CPU time does. Usage: bench/idle_wakeups.sh CONVOY_BINARY BASEPORT
B=$1; P=$2
pids=()
for i in 0 1 2; do
  args=(agent --bind 127.0.0.1:$((P+i)) --http 127.0.0.1:$((P+100+i)))
  [ $i -gt 0 ] && args+=(--join 127.0.0.1:$P)
  $B "${args[@]}" > /dev/null 2>&1 &
  pids+=($!)
done
sleep 8
snap() { local t=0 c=0; for p in "${pids[@]}"; do for s in /proc/$p/task/*/status; do t=$((t + $(awk '/^voluntary_ctxt_switches/{print $2}' $s))); done; c=$((c + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo "$t $c"; }
read w0 c0 < <(snap); sleep 20; read w1 c1 < <(snap)
echo "wakeups/s per agent: $(( (w1-w0) / 60 ))  cpu ms/s per agent: $(( (c1-c0) * 10 * 1000 / 100 / 60 / 10 ))"
kill "${pids[@]}"; wait 2>/dev/null
