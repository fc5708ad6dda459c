#!/usr/bin/env python3
"""`convoy demo` end to end, small (3 agents): every step happens and the figures are sane; no
agent process is left behind after a run, after Ctrl-C in the middle, nor after a step that
does not happen in time (which exits 1 naming it).

usage: demo_test.py CONVOY_BINARY
"""
import json
import stat
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from convoy_harness import check, wait_until


def agents_running_in(folder):
    """Pids of processes whose command line mentions `folder` (the demo's agents do)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
        except OSError:
            continue
        args = cmdline.split("\0")
        if folder in cmdline and len(args) > 1 and args[1] == "agent":
            pids.append(int(pid))
    return pids


def nothing_left(folder):
    wait_until(f"no agent left running in {folder}", lambda: not agents_running_in(folder), 15)


def full_run(binary, root):
    folder = os.path.join(root, "run")
    p = subprocess.run([binary, "demo", "--nodes", "3", "--json", "--dir", folder],
                       capture_output=True, text=True, timeout=150)
    check(p.returncode == 0, f"demo exit {p.returncode}:\n{p.stderr}")
    figures = json.loads(p.stdout)
    print(p.stderr)
    check(figures["nodes"] == 3, figures)
    for name in ("formation_s", "visibility_p50_ms", "visibility_max_ms",
                 "visible_everywhere_median_ms", "detection_s",
                 "rejoin_s", "leave_s", "rss_mib_mean"):
        check(figures[name] > 0, f"{name}: {figures}")
    check(figures["visibility_p50_ms"] <= figures["visibility_max_ms"], figures)
    check(figures["writes_timed"] == 3, figures)
    for step in ("cluster formed", "seen by every agent", "stale write refused",
                 "declared dead by all 2 other agents", "demo/color=blue still there",
                 "seen as left", "idle CPU per agent", "Dashboard: http://127.0.0.1:",
                 "nothing left behind"):
        check(step in p.stderr, f"the narration lacks {step!r}:\n{p.stderr}")
    # Sealed by default: each agent had a keyring file only it may read, and said so.
    check(figures["encrypted"] is True, figures)
    check("traffic sealed (XChaCha20-Poly1305, key " in p.stderr, p.stderr)
    for i in range(1, 4):
        ring = os.path.join(folder, f"agent-{i}", "keyring.json")
        check(stat.S_IMODE(os.stat(ring).st_mode) == 0o600, f"{ring}: {oct(os.stat(ring).st_mode)}")
        with open(ring) as f:
            stored = json.load(f)
        check(stored["encryption"] == "required" and len(stored["keys"]) == 1, stored)
        with open(os.path.join(folder, f"agent-{i}", "agent.log")) as f:
            log = f.read()
        check("encryption required" in log, f"agent-{i} did not log its keyring:\n{log[-1500:]}")
        check(stored["keys"][0] not in log, f"agent-{i}'s log holds the key")
    nothing_left(folder)


def interrupted(binary, root):
    folder = os.path.join(root, "interrupted")
    os.makedirs(folder)
    out_path = os.path.join(root, "interrupted.out")
    with open(out_path, "w") as out:
        p = subprocess.Popen([binary, "demo", "--nodes", "3", "--dir", folder], stdout=out,
                             stderr=subprocess.STDOUT)
    try:
        wait_until("the cluster to form", lambda: "cluster formed" in open(out_path).read(), 60)
        pids = agents_running_in(folder)
        check(len(pids) == 3, f"three agents before Ctrl-C, not {len(pids)}: " + "; ".join(
            open(f"/proc/{pid}/cmdline").read().replace("\0", " ") for pid in pids))
        p.send_signal(signal.SIGINT)
        status = p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    text = open(out_path).read()
    check(status == 130, f"exit {status} after Ctrl-C:\n{text}")
    check("Interrupted" in text, text)
    nothing_left(folder)


def step_not_happening(binary, root):
    folder = os.path.join(root, "impatient")
    p = subprocess.run([binary, "demo", "--nodes", "3", "--dir", folder, "--step-timeout", "1ms"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 1, f"exit {p.returncode}:\n{p.stdout}{p.stderr}")
    # The first wait that is not over at its first look fails: agent-1's API, or the cluster.
    check("did not happen within 1ms" in p.stdout and ("answering" in p.stdout or
                                                       "members alive" in p.stdout), p.stdout)
    check("a step did not happen" in p.stderr, p.stderr)
    nothing_left(folder)


def bad_flags(binary):
    for args in (["--nodes", "2"], ["--profile", "moon"], ["--step-timeout", "soon"]):
        p = subprocess.run([binary, "demo"] + args, capture_output=True, text=True, timeout=30)
        check(p.returncode == 2, f"demo {args}: exit {p.returncode}")
        check(len(p.stderr.strip().splitlines()) == 1, f"demo {args}: {p.stderr!r}")


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="convoy-demo-test-")
    try:
        bad_flags(binary)
        step_not_happening(binary, root)
        interrupted(binary, root)
        full_run(binary, root)
    except Exception as e:
        print(f"FAILED: {e}", file=sys.stderr)
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name == "agent.log":
                    print(f"----- {dirpath}/{name} -----", file=sys.stderr)
                    print(open(os.path.join(dirpath, name)).read()[-3000:], file=sys.stderr)
        for pid in agents_running_in(root):
            os.kill(pid, signal.SIGKILL)
        sys.exit(1)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    time.sleep(0)
    main()
