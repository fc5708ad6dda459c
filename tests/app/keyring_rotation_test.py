#!/usr/bin/env python3
"""Key rotation as an operator does it, through the command line only: three agents started with
the same --key form a cluster; `convoy keyring` lists the one id; a new key is installed on all
three, made the primary on all three, and the old one removed from all three. The cluster stays
converged and keeps spreading writes, no packet is refused for a security reason, and each
agent's keyring file holds only the new key. An agent restarted with its first command line is
refused (--key with an existing keyring file); restarted from the keyring file, it rejoins. An
agent with a key the cluster does not hold, or with another cluster name, fails to join and says
why — and the cluster counts what it refused.

usage: keyring_rotation_test.py CONVOY_BINARY
"""
import json
import os
import stat
import subprocess

from prometheus_client.parser import text_string_to_metric_families

from convoy_harness import check, run, wait_for_alive, wait_until

SECURITY_REASONS = ("not_sealed", "sealed_unexpected", "sealed_too_short",
                    "sealed_unsupported_version", "other_cluster", "unknown_key", "forged")


def convoy(h, *args, agent=None, stdin=None, status=0):
    command = [h.binary] + list(args)
    if agent is not None:
        command += ["--agent", f"127.0.0.1:{agent.http_port}"]
    p = subprocess.run(command, capture_output=True, text=True, timeout=60, input=stdin)
    check(p.returncode == status,
          f"convoy {' '.join(args)}: exit {p.returncode}, not {status}\n{p.stdout}{p.stderr}")
    if status != 0:
        lines = p.stderr.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("convoy: "), f"not one line: {p.stderr!r}")
        return lines[0]
    return p.stdout


def keyring_of(h, agent):
    return json.loads(convoy(h, "keyring", "--json", agent=agent))


def security_rejections(agent):
    text = agent.get("/metrics").text
    counts = {}
    for family in text_string_to_metric_families(text):
        if family.name == "convoy_rejected_packets":
            for s in family.samples:
                if s.labels.get("reason") in SECURITY_REASONS:
                    counts[s.labels["reason"]] = s.value
    check(set(counts) == set(SECURITY_REASONS), f"reasons in /metrics: {sorted(counts)}")
    return counts


def read_keyring_file(path):
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, f"{path}: mode {os.stat(path).st_mode:o}")
    with open(path) as f:
        return json.load(f)


def test(h):
    old = convoy(h, "keygen").strip()
    new = convoy(h, "keygen").strip()
    check(old != new and len(old) == 44, (old, new))

    def security_args(name):
        return ["--keyring-file", os.path.join(h.dir, f"{name}-keyring.json"),
                "--cluster-name", "rotation"]

    first = h.agent("a", args=["--key", old] + security_args("a"))
    rest = [h.agent(n, args=["--key", old] + security_args(n), join=[first], start=False)
            for n in ("b", "c")]
    for a in rest:
        a.start()
    agents = [first] + rest
    wait_for_alive(agents, 3)

    # One key, listed by id: the table for people, the JSON for scripts.
    old_id = keyring_of(h, first)["primary"]
    table = convoy(h, "keyring", agent=first)
    lines = table.splitlines()
    check(lines[0].split() == ["KEY", "ID"] and lines[1].split() == [old_id, "(primary)"], table)
    check("encryption:    required" in table and 'cluster name:  "rotation"' in table, table)
    check(old not in table, "the key itself in the table")

    # The rotation, each step on every agent before the next.
    for a in agents:
        out = convoy(h, "keyring", "install", new, agent=a) if a.name != "b" else \
            convoy(h, "keyring", "install", "-", agent=a, stdin=new + "\n")
        check(out.startswith("installed key "), out)
    new_id = keyring_of(h, first)["keys"][1]
    for a in agents:
        convoy(h, "keyring", "use", new if a.name == "a" else new_id, agent=a)
        check(keyring_of(h, a)["primary"] == new_id, a.name)
    for a in agents:
        out = convoy(h, "keyring", "remove", old_id if a.name != "c" else old, agent=a)
        check(f"removed key {old_id}" in out, out)

    for a in agents:
        ring = keyring_of(h, a)
        check(ring["keys"] == [new_id] and ring["encryption"] == "required", ring)
        stored = read_keyring_file(ring["keyring_file"])
        check(stored == {"keys": [new], "encryption": "required"}, stored)
    # Converged and still talking, with the new key alone: a write spreads to every agent.
    first.put("/v1/store/rotated", "yes")
    wait_until("the write after the rotation on every agent",
               lambda: all(len(a.get("/v1/search?key=rotated").json["entries"]) == 1
                           for a in agents))
    wait_for_alive(agents, 3)
    for a in agents:
        rejected = security_rejections(a)
        check(all(v == 0 for v in rejected.values()), f"{a.name} refused packets: {rejected}")

    # The removed key and a refused change: conflict, one line, exit 3.
    line = convoy(h, "keyring", "use", old_id, agent=first, status=3)
    check("not installed" in line, line)
    line = convoy(h, "keyring", "remove", new_id, agent=first, status=3)
    check("primary" in line, line)
    convoy(h, "keyring", "encryption", "loud", agent=first, status=2)
    convoy(h, "keyring", "remove", "not-a-key", agent=first, status=2)

    # A restart with the first command line is refused: the keyring file is the keyring now.
    c = agents[2]
    c.kill()
    c.start(wait=False)
    check(c.proc.wait(30) == 2, f"exit {c.proc.returncode}")
    check("drop --key" in c.log(), c.log()[-1000:])
    # From the keyring file alone, it rejoins, with the new key.
    c.args = [arg for arg in c.args if arg != old]
    c.args.remove("--key")
    c.start()
    wait_for_alive(agents, 3)
    check(keyring_of(h, c)["keys"] == [new_id], "c's keyring after the restart")

    # A member with a key the cluster does not hold, or another cluster's name, cannot join.
    stranger = convoy(h, "keygen").strip()
    for name, args, why in (
            ("wrong-key", ["--key", stranger, "--cluster-name", "rotation"],
             "key that is not in the keyring"),
            ("wrong-name", ["--key", new, "--cluster-name", "another"], "another cluster")):
        x = h.agent(name, args=args + ["--join-timeout", "3s"], join=[first], start=False)
        x.start(wait=False)
        check(x.proc.wait(60) == 1, f"{name}: exit {x.proc.returncode}")
        check(why in x.log(), f"{name}: {why!r} not said:\n{x.log()[-1500:]}")
    rejected = security_rejections(first)
    check(rejected["unknown_key"] > 0 and rejected["other_cluster"] > 0, rejected)
    wait_for_alive(agents, 3)


if __name__ == "__main__":
    run(test)
