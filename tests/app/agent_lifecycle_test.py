#!/usr/bin/env python3
"""An agent's life as its cluster and its operator see it: SIGTERM and SIGINT are a graceful
leave (exit 0, seen as left); SIGKILL is a failure the others detect (dead), and a restart from
the data dir comes back with the same id, a higher incarnation and its keys; the logs tell each
of these at info level, and a burst of joins is aggregated instead of flooding; a join nobody answers fails
with one line; SIGINT during a join ends the agent at once; a data dir in use is refused.

usage: agent_lifecycle_test.py CONVOY_BINARY
"""
import signal
import subprocess
import time

from convoy_harness import check, free_port, run, wait_for_alive, wait_for_status, wait_until


def graceful_leave(a, b, c):
    check(c.terminate() == 0, f"exit status {c.proc.returncode} after SIGTERM")
    wait_for_status([a, b], c.id, "left", 20)
    check("leaving the cluster" in c.log() and "left the cluster; exiting" in c.log(), c.log())
    wait_until("a's log to tell the departure", lambda: "left the cluster" in a.log(), 10)


def kill_and_restart(a, b, d):
    d.put("/v1/store/kept", "across restarts")
    wait_until("a to see d's key", lambda: a.get(f"/v1/members/{d.id}/store/kept").status == 200)
    incarnation = a.members()[d.id]["incarnation"]
    old_id = d.id
    d.kill()
    wait_for_status([a, b], old_id, "dead", 30)
    wait_until("a's log to tell the death", lambda: "was declared dead" in a.log(), 10)
    d.start()
    check(d.id == old_id, f"restarted with another id: {d.id} != {old_id}")
    wait_until("d alive again everywhere with a higher incarnation",
               lambda: all(x.members().get(old_id, {}).get("status") == "alive" and
                           x.members()[old_id]["incarnation"] > incarnation for x in (a, b)), 30)
    r = b.get(f"/v1/members/{old_id}/store/kept")
    check(r.status == 200 and r.json["item"]["value"] == "across restarts", r)
    check(d.get("/v1/store/name").json["item"]["value"] == d.name, "tag kept")
    wait_until("a's log to tell the return", lambda: "is back" in a.log(), 10)


def join_burst(h, seed):
    joiners = [h.agent(f"burst-{i}", join=[seed], start=False) for i in range(10)]
    for j in joiners:
        j.start(wait=False)
    for j in joiners:
        j.id = wait_until(f"{j.name}'s API", j._id, 40)
    wait_for_alive([seed] + joiners, sum(1 for x in h.agents if x.running()))
    # Only the burst's own lines: the seed also logged the joins of the members before it.
    burst_ids = [j.id[:8] for j in joiners]
    lines = [l for l in seed.log().splitlines()
             if " joined (incarnation" in l and any(f"member {b} " in l for b in burst_ids)]
    check(len(lines) < 10, f"{len(lines)} join lines: the burst was not aggregated")
    wait_until("a summary line for the burst", lambda: "more members joined" in seed.log(), 10)
    # SIGINT is a graceful leave too (the Ctrl-C of a person running an agent by hand).
    first = joiners[0]
    first.signal(signal.SIGINT)
    check(first.proc.wait(15) == 0, f"exit status {first.proc.returncode} after SIGINT")
    wait_for_status([seed], first.id, "left", 20)
    for j in joiners[1:]:
        j.terminate()


def failed_join(h):
    nobody = f"127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    p = subprocess.run([h.binary, "agent", "--bind", f"127.0.0.1:{free_port()}", "--http",
                        f"127.0.0.1:{free_port()}", "--profile", "local", "--join", nobody,
                        "--join-timeout", "2s"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 1, f"exit {p.returncode}: {p.stderr}")
    last = p.stderr.strip().splitlines()[-1]
    check(last.startswith("convoy agent: ") and nobody in last, last)
    check(time.monotonic() - t0 < 30, "the join did not give up in time")
    # SIGINT while joining: the agent ends at once instead of waiting out its join.
    proc = subprocess.Popen([h.binary, "agent", "--bind", f"127.0.0.1:{free_port()}", "--http",
                             f"127.0.0.1:{free_port()}", "--profile", "local", "--join", nobody,
                             "--join-timeout", "60s"], stderr=subprocess.PIPE, text=True)
    said = []
    wait_until("the agent to say it is joining",
               lambda: said.append(proc.stderr.readline()) or "joining the cluster" in said[-1],
               20, interval=0)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(10)
    check(time.monotonic() - t0 < 5, "SIGINT during the join was not prompt")
    check("before the join completed" in proc.stderr.read(), "no word about the interrupted join")


def data_dir_in_use(h, a):
    p = subprocess.run([h.binary, "agent", "--bind", f"127.0.0.1:{free_port()}", "--http",
                        f"127.0.0.1:{free_port()}", "--data-dir", a.data_dir],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 1, f"exit {p.returncode}: {p.stderr}")
    check(len(p.stderr.strip().splitlines()) == 1 and a.data_dir in p.stderr, p.stderr)


def test(h):
    a, b, c, d = h.cluster(4)
    check("running at 127.0.0.1:" in a.log(), a.log())
    graceful_leave(a, b, c)
    kill_and_restart(a, b, d)
    data_dir_in_use(h, a)
    join_burst(h, a)
    failed_join(h)


if __name__ == "__main__":
    run(test)
