#!/usr/bin/env python3
"""End-to-end test of `convoy bench`: a small in-process cluster over real sockets forms (with a
thread per host, and with hosts sharing EventLoops), the idle and loaded windows report figures
that follow from the protocol (every member probes once a period, so it sends at least one
datagram a second at the lan profile's 1 s period, and a write load costs more than idling),
every timed put reaches every host, the output is one JSON line, and bad flags are refused with
one line and exit status 2.

usage: bench_test.py CONVOY_BINARY
"""
import json
import subprocess
import sys


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    convoy = sys.argv[1]
    run = subprocess.run([convoy, "bench", "--nodes", "6", "--idle", "2s", "--settle", "0s",
                          "--updates", "5", "--write-rate", "20"],
                         capture_output=True, text=True, timeout=120)
    check(run.returncode == 0, f"exit {run.returncode}: {run.stderr}")
    lines = run.stdout.strip().splitlines()
    check(len(lines) == 1, f"not one JSON line: {run.stdout!r}")
    f = json.loads(lines[0])
    print(json.dumps(f, indent=1))
    check(f["nodes"] == 6, f)
    check(f["probe_period_ms"] == 1000, f)
    check(f["formed_seconds"] > 0, f)
    check(1.0 <= f["idle_datagrams_per_member_second"] <= 20, f"idle datagrams: {f}")
    check(f["idle_bytes_per_member_second"] >= 28 * f["idle_datagrams_per_member_second"],
          f"bytes below the headers alone: {f}")
    check(f["idle_cpu_ms_per_member_second"] > 0, f)
    check(f["idle_wakeups_per_member_second"] > 0, f)
    check(f["idle_suspicions"] == 0 and f["idle_declared_dead"] == 0, f)
    check(35 <= f["loaded_writes"] <= 45, f"20 writes a second for 2 s: {f}")
    check(f["loaded_bytes_per_member_second"] > f["idle_bytes_per_member_second"],
          f"a write load cost nothing: {f}")
    check(f["updates"] == 5 and f["updates_missed"] == 0, f)
    check(0 < f["update_half_p50_ms"] <= f["update_all_p50_ms"] <= f["update_all_max_ms"], f)
    check("shutting down" in run.stderr, f"no progress on stderr: {run.stderr}")

    # Hosts sharing protocol threads (EventLoop): 6 hosts, 4 a loop, make 2 loops, and the
    # cluster works the same.
    shared = subprocess.run([convoy, "bench", "--nodes", "6", "--hosts-per-loop", "4",
                             "--idle", "1s", "--settle", "0s", "--updates", "5"],
                            capture_output=True, text=True, timeout=120)
    check(shared.returncode == 0, f"--hosts-per-loop: exit {shared.returncode}: {shared.stderr}")
    g = json.loads(shared.stdout)
    check(g["event_loops"] == 2 and f["event_loops"] == 0, f"loops: {g['event_loops']}")
    check(g["updates_missed"] == 0 and g["idle_suspicions"] == 0, g)
    check(1.0 <= g["idle_datagrams_per_member_second"] <= 20, f"shared idle datagrams: {g}")

    for args, needle in [(["--idle", "0s"], "--idle"), (["--profile", "nosuch"], "--profile"),
                         (["--probe-period", "10parsecs"], "--probe-period"),
                         (["--nodes", "1"], "--nodes")]:
        bad = subprocess.run([convoy, "bench", *args], capture_output=True, text=True,
                             timeout=30)
        err = bad.stderr.strip()
        check(bad.returncode == 2, f"{args}: exit {bad.returncode}, not 2 ({err})")
        check(len(err.splitlines()) == 1 and needle in err, f"{args}: unclear error: {err!r}")
    print("ok")


if __name__ == "__main__":
    main()
