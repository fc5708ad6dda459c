#!/usr/bin/env python3
"""Per-second, per-thread CPU of N idle agents (issue 9's idle-CPU question): forms a cluster the
way bench/agents_vs_serf.py does, makes its writes, then for SECONDS reads every thread's
schedstat once a second. Prints each thread's share (by name: convoy-io, convoy-events, ...;
threads the runtime does not name show as "convoy"), the cluster's total per second, and every
agent-second of a thread over --spike-ms, with the timeslices it took: more CPU for the same
timeslices is the machine charging more, not more work.

usage: /usr/bin/python3 bench/agent_cpu_trace.py --convoy build/release/apps/convoy/convoy
                                                 [--nodes 64] [--seconds 40] [--spike-ms 2]
"""
import argparse
import collections
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agents_vs_serf as bench  # noqa: E402


def threads(pid):
    """{tid: (name, ns on a CPU, timeslices)}"""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns, _, slices = (int(x) for x in f.read().split())
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except OSError:  # the thread ended meanwhile
            continue
        out[tid] = (name, ns, slices)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--convoy", required=True)
    ap.add_argument("--nodes", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=40)
    ap.add_argument("--spike-ms", type=float, default=2.0)
    ap.add_argument("--trials", type=int, default=10, help="writes before the trace")
    args = ap.parse_args()
    system = bench.ConvoySystem(args.convoy, tempfile.mkdtemp(), args.nodes)
    try:
        system.start()
        bench.time_writes(system, args.trials)
        time.sleep(5)
        pids = [p.pid for p in system.cluster.procs]
        before = {p: threads(p) for p in pids}
        by_name, totals, spikes = collections.Counter(), [], []
        for second in range(1, args.seconds + 1):
            time.sleep(1)
            total = 0.0
            for agent, pid in enumerate(pids):
                now = threads(pid)
                for tid, (name, ns, slices) in now.items():
                    _, ns0, slices0 = before[pid].get(tid, (name, 0, 0))
                    ms = (ns - ns0) / 1e6
                    by_name[name] += ms
                    total += ms
                    if ms > args.spike_ms:
                        spikes.append((second, agent, name, round(ms, 1), slices - slices0))
                before[pid] = now
            totals.append(round(total, 1))
        agent_seconds = args.nodes * args.seconds
        print("ms per agent-second by thread:",
              {k: round(v / agent_seconds, 3) for k, v in sorted(by_name.items())})
        print("cluster total, ms per second:", totals)
        print(f"agent-seconds of a thread over {args.spike_ms} ms "
              "(second, agent, thread, ms, timeslices):", spikes or "none")
    finally:
        system.cluster.close()


if __name__ == "__main__":
    main()
