#!/usr/bin/env python3
"""The command-line tool against live agents: tables for people, --json for scripts, --agent
and CONVOY_AGENT, compare-and-set with --expect, writes into another member's store, search,
watch (live events over SSE), fail and evict, and a non-zero exit with one line naming the
reason for each kind of error (agent unreachable: 1, conflict: 3, no such key: 4, unknown
member: 1, bad usage: 2).

usage: cli_test.py CONVOY_BINARY
"""
import json
import os
import signal
import subprocess
import time

from convoy_harness import check, free_port, run, wait_until


class Cli:
    def __init__(self, binary, agent):
        self.binary = binary
        self.env = dict(os.environ, CONVOY_AGENT=f"127.0.0.1:{agent.http_port}")

    def __call__(self, *args, status=0, env=None):
        p = subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                           timeout=60, env=env or self.env)
        check(p.returncode == status,
              f"convoy {' '.join(args)}: exit {p.returncode}, not {status}\n{p.stdout}{p.stderr}")
        if status != 0:
            lines = p.stderr.strip().splitlines()
            check(len(lines) == 1 and lines[0].startswith("convoy: "),
                  f"convoy {' '.join(args)}: not one line: {p.stderr!r}")
            return lines[0]
        return p.stdout


def test(h):
    a, b = h.cluster(2)
    cli = Cli(h.binary, a)

    out = cli("members")
    lines = out.strip().splitlines()
    check(lines[0].split() == ["ID", "STATUS", "INCARNATION", "ADDRESS"], out)
    check(len(lines) == 3 and a.id in out and b.id in out and "(this agent)" in out, out)
    members = json.loads(cli("members", "--json"))
    check({m["id"] for m in members["members"]} == {a.id, b.id}, members)
    check(len(json.loads(cli("members", "--status", "dead", "--json"))["members"]) == 0, "dead")
    # --agent wins over CONVOY_AGENT.
    other = json.loads(cli("members", "--json", "--agent", f"127.0.0.1:{b.http_port}"))
    check(other["self"] == b.id, other)

    out = cli("put", "role", "web")
    check("role" in out and "web" in out and a.id in out, out)
    got = json.loads(cli("get", "role", "--json"))
    check(got["item"]["value"] == "web", got)
    v = got["item"]["version"]
    line = cli("put", "role", "db", "--expect", str(v + 7), status=3)
    check("conflict" in line, line)
    cli("put", "role", "db", "--expect", str(v))
    line = cli("get", "nothing", status=4)
    check("no key" in line, line)
    cli("del", "role")
    cli("get", "role", status=4)
    cli("put", "--epoch", "3", "k", "v", status=2)

    # Into b's store, by a prefix of its id; seen through b and through a.
    cli("put", "color", "blue", "--member", b.id[:8], "--expect", "0")
    line = cli("put", "color", "red", "--member", b.id[:8], "--expect", "0", status=3)
    check("conflict" in line, line)
    # Polled: the owner's API may show the write a moment after its writer heard it is done
    # (agent_api_test.py's remote_store says why).
    wait_until("b's own store to show the color",
               lambda: b.get("/v1/store/color").json["item"]["value"] == "blue", 5, 0.005)
    wait_until("a to see b's color", lambda: "blue" in cli("get", "color", "--member", b.id))
    line = cli("get", "color", "--member", "0" * 31 + "3", status=1)
    check("no member" in line, line)

    b.put("/v1/store/role", "web")
    a.put("/v1/store/role", "web")
    wait_until("both roles", lambda: len(json.loads(cli("search", "--key", "role", "--json"))
                                         ["entries"]) == 2)
    out = cli("search", "--value", "blue")
    check("color" in out and b.id in out, out)
    check("name" in cli("search", "--prefix", "na"), "prefix search")
    cli("search", status=2)

    out = cli("health")
    check("status:        ok" in out and a.id in out, out)

    # watch: events as they happen, in a table line or as JSON.
    for extra, expect in (([], "key_set"), (["--json"], '"kind":"key_set"')):
        watch = subprocess.Popen([h.binary, "watch", "--keys-only"] + extra, env=cli.env,
                                 stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(0)  # the stream opens asynchronously: keep writing until a line arrives
            seen = []

            def arrived():
                b.put("/v1/store/watched", str(time.monotonic()))
                import select
                ready, _, _ = select.select([watch.stdout], [], [], 0.3)
                if ready:
                    seen.append(watch.stdout.readline())
                return seen and expect in seen[-1] and "watched" in seen[-1]
            wait_until(f"watch {extra} to print a key_set", arrived, 20, interval=0.1)
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(10)

    # fail, then evict.
    cli("fail", b.id[:8])
    line = cli("fail", "0" * 31 + "4", status=1)
    check("no member" in line, line)
    cli("evict", b.id)
    wait_until("b to stop", lambda: not b.running(), 30)

    # Errors: an agent nobody runs, a bad address, bad usage.
    dead = f"127.0.0.1:{free_port()}"
    line = cli("members", "--agent", dead, status=1)
    check("cannot reach the agent" in line and dead in line, line)
    env = dict(cli.env, CONVOY_AGENT=dead)
    line = cli("get", "k", status=1, env=env)
    check(dead in line, line)
    cli("members", "--agent", "not a host", status=1)
    cli("put", "onlykey", status=2)
    cli("watch", "--keys-only", "--members-only", status=2)
    cli("nosuchcommand", status=2)


if __name__ == "__main__":
    run(test)
