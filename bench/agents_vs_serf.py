#!/usr/bin/env python3
"""Convoy's agent against Serf's (issue 9, point 6): N agents of each, separate processes on
127.0.0.1, default LAN timings for both (probe 1 s, probe timeout 500 ms, gossip 200 ms to 3
members, push-pull 30 s, suspicion multiplier 4: the same numbers on both sides), one cluster at
a time so they do not compete for the CPU.

For each system it measures:
  - how long a write on one agent takes to be delivered through every agent's API: a key put
    (Convoy: PUT /v1/store/KEY, seen as key_set on every agent's /v1/events stream) or a tag set
    (Serf: the `tags` RPC, seen as member-update on every agent's RPC `stream`). Each agent's
    stream is opened before the write; the write's "everywhere" time is the last agent's
    arrival. Median and max over --trials writes; then a read through every agent's API checks
    that the value is there (Convoy: GET /v1/members/ID/store/KEY; Serf: `members` RPC).
  - idle CPU per agent (utime + stime from /proc over --idle seconds, nobody talking to the
    agents; ms of CPU per second) and memory per agent: resident (RSS), proportional (PSS: pages
    shared by the agents, their binary and libraries, split among them) and anonymous.

Needs Debian's `serf` and `python3-msgpack` (scripts/setup installs both) and a built convoy
(use the release build for figures).

With --encrypt both sides seal all traffic with one generated 32-byte key (Convoy: --key,
XChaCha20-Poly1305; Serf: -encrypt, AES-256-GCM).

usage: bench/agents_vs_serf.py --convoy build/release/apps/convoy/convoy [--nodes 64]
                               [--trials 10] [--idle 20] [--only convoy|serf] [--encrypt] [--json]
"""
import argparse
import base64
import json
import os
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request



_given = set()


def free_port():
    """A port free for TCP and UDP on 127.0.0.1 (both gossip ports serve both), never the same
    one twice in a run."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
            except OSError:
                continue
            if port in _given:
                continue
            _given.add(port)
            return port
    raise RuntimeError("no free port")


def wait_until(what, condition, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (OSError, ValueError, KeyError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def memory(pid):
    """(RSS, PSS, anonymous) in bytes: PSS splits pages shared with other processes (the same
    binary and libraries in every agent) among them; anonymous is the process's own heap and
    stacks."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:", "Anonymous:"):
                out[parts[0][:-1]] = int(parts[1]) * 1024
    return out["Rss"], out["Pss"], out["Anonymous"]


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


class Cluster:
    """N agent processes, each in its own process group, killed on close."""

    def __init__(self, root, name):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        self.procs = []

    def spawn(self, i, argv):
        log = open(os.path.join(self.dir, f"agent-{i}.log"), "wb")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        log.close()
        self.procs.append(p)
        return p

    def check_running(self):
        for i, p in enumerate(self.procs):
            if p.poll() is not None:
                with open(os.path.join(self.dir, f"agent-{i}.log"), errors="replace") as f:
                    tail = f.read()[-2000:]
                raise RuntimeError(f"agent {i} exited with {p.returncode}:\n{tail}")

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        for p in self.procs:
            p.wait()


# ----- Convoy: HTTP API and Server-Sent Events ------------------------------------------------

class ConvoySystem:
    name = "convoy"

    def __init__(self, binary, root, n, key=None):
        self.binary = binary
        self.cluster = Cluster(root, "convoy")
        self.n = n
        self.key = key
        self.gossip = [free_port() for _ in range(n)]
        self.http = [free_port() for _ in range(n)]
        self.ids = []

    def argv(self, i):
        a = [self.binary, "agent", "--bind", f"127.0.0.1:{self.gossip[i]}", "--http",
             f"127.0.0.1:{self.http[i]}", "--data-dir", os.path.join(self.cluster.dir, f"d{i}"),
             "--log-level", "warn", "--tag", f"name=agent-{i}"]
        if self.key:
            a += ["--key", self.key]
        if i > 0:
            a += ["--join", f"127.0.0.1:{self.gossip[0]}"]
        return a

    def get(self, i, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http[i]}{path}", timeout=10) as r:
            return json.loads(r.read())

    def start(self):
        self.cluster.spawn(0, self.argv(0))
        wait_until("the first agent's API", lambda: self.get(0, "/v1/health"), 30)
        for i in range(1, self.n):
            self.cluster.spawn(i, self.argv(i))

        def formed():
            self.cluster.check_running()
            return all(sum(m["status"] == "alive" for m in self.get(i, "/v1/members")["members"])
                       == self.n for i in range(self.n))
        wait_until(f"all {self.n} agents to see {self.n} members alive", formed, 120, 0.5)
        self.ids = [self.get(i, "/v1/health")["member"]["id"] for i in range(self.n)]

    def open_streams(self, key):
        return [SseStream(self.http[i], f"/v1/events?members=0&self=0&prefix={key}")
                for i in range(self.n)]

    def write(self, key, value):
        req = urllib.request.Request(f"http://127.0.0.1:{self.http[0]}/v1/store/{key}",
                                     data=value.encode(), method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200, r.status

    def arrived(self, event, key, value):
        return (event.get("event") == "key_set" and event["data"].get("key") == key
                and event["data"].get("value") == value and event["data"].get("member")
                == self.ids[0])

    def read_everywhere(self, key, value):
        return all(self.get(i, f"/v1/members/{self.ids[0]}/store/{key}")["item"]["value"] == value
                   for i in range(self.n))

    def pollers(self, key):
        return [HttpPoller(self.http[i], f"/v1/members/{self.ids[0]}/store/{key}")
                for i in range(self.n)]

    def polled(self, answer, key, value):
        return answer is not None and answer.get("item", {}).get("value") == value


class HttpPoller:
    """GET one path again and again on a keep-alive connection (reopened when the agent closes
    it); poll() sends, take() returns the decoded JSON answer once it is complete."""

    def __init__(self, port, path):
        self.port = port
        self.request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        self.sock = None
        self.raw = b""

    def fileno(self):
        return self.sock.fileno()

    def poll(self):
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.raw = b""
        self.sock.sendall(self.request)
        self.sock.setblocking(False)

    def take(self):
        """(done, json or None): reads what is there."""
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return False, None
        self.raw += chunk
        head_end = self.raw.find(b"\r\n\r\n")
        if head_end >= 0:
            head = self.raw[:head_end].decode("latin-1").lower()
            length = 0
            for line in head.split("\r\n"):
                if line.startswith("content-length:"):
                    length = int(line.split(":")[1])
            if len(self.raw) >= head_end + 4 + length:
                body = self.raw[head_end + 4:head_end + 4 + length]
                if "connection: close" in head:
                    self.close()
                self.sock and self.sock.setblocking(True)
                status = int(head.split(" ")[1])
                return True, json.loads(body) if status == 200 else None
        if not chunk:  # closed by the agent (keep-alive limit): ask again on a new connection
            self.close()
            return True, None
        return False, None

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class SseStream:
    """A raw event stream on a non-blocking socket: events parsed as bytes arrive."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.raw = b""
        self.headers_done = False
        self.chunked = False
        self.text = b""

    def fileno(self):
        return self.sock.fileno()

    def feed(self):
        """Reads what is there; returns the complete events, each {"event", "data"}."""
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("stream closed")
        self.raw += chunk
        if not self.headers_done:
            if b"\r\n\r\n" not in self.raw:
                return []
            head, self.raw = self.raw.split(b"\r\n\r\n", 1)
            if b" 200 " not in head.split(b"\r\n")[0]:
                raise RuntimeError(f"event stream refused: {head[:100]!r}")
            self.headers_done = True
            # Convoy sends its streams unframed (the body ends with the connection); chunked
            # framing is read too.
            self.chunked = b"transfer-encoding: chunked" in head.lower()
        if not self.chunked:
            self.text += self.raw
            self.raw = b""
        # Chunked transfer: move whole chunks' payloads into self.text.
        while self.chunked:
            nl = self.raw.find(b"\r\n")
            if nl < 0:
                break
            size = int(self.raw[:nl].split(b";")[0] or b"0", 16)
            if len(self.raw) < nl + 2 + size + 2:
                break
            self.text += self.raw[nl + 2:nl + 2 + size]
            self.raw = self.raw[nl + 2 + size + 2:]
        events = []
        while b"\n\n" in self.text:
            block, self.text = self.text.split(b"\n\n", 1)
            e = {}
            for line in block.decode("utf-8", "replace").split("\n"):
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    e["event"] = value
                elif field == "data":
                    e["data"] = json.loads(value)
            if "data" in e:
                events.append(e)
        return events

    def ready(self):
        return self.headers_done

    def close(self):
        self.sock.close()


# ----- Serf: msgpack RPC ----------------------------------------------------------------------

class SerfRpc:
    """Serf's agent RPC (msgpack over TCP): handshake, tags, members, stream."""

    def __init__(self, port):
        import msgpack
        self.msgpack = msgpack
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.unpacker = msgpack.Unpacker(raw=False)
        self.seq = 0
        self.pending = []  # decoded objects not yet consumed
        self.call("handshake", {"Version": 1})

    def fileno(self):
        return self.sock.fileno()

    def send(self, command, body=None):
        self.seq += 1
        out = self.msgpack.packb({"Command": command, "Seq": self.seq})
        if body is not None:
            out += self.msgpack.packb(body)
        self.sock.sendall(out)
        return self.seq

    def next_object(self):
        while not self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("rpc closed")
            self.unpacker.feed(chunk)
            self.pending.extend(self.unpacker)
        return self.pending.pop(0)

    def call(self, command, body=None, has_body=False):
        seq = self.send(command, body)
        header = self.next_object()
        if header.get("Seq") != seq or header.get("Error"):
            raise RuntimeError(f"serf {command}: {header}")
        return self.next_object() if has_body else None

    def feed(self):
        """Stream records available now (a header then a body each)."""
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("rpc closed")
        self.unpacker.feed(chunk)
        self.pending.extend(self.unpacker)
        out = []
        while len(self.pending) >= 2:
            self.pending.pop(0)  # header
            out.append(self.pending.pop(0))
        return out

    def ready(self):
        return True

    def close(self):
        self.sock.close()


class SerfPoller:
    """The `members` RPC again and again on one connection."""

    def __init__(self, port):
        self.rpc = SerfRpc(port)

    def fileno(self):
        return self.rpc.fileno()

    def poll(self):
        self.rpc.sock.setblocking(True)
        self.rpc.send("members")
        self.rpc.sock.setblocking(False)

    def take(self):
        try:
            chunk = self.rpc.sock.recv(1 << 20)
        except BlockingIOError:
            return False, None
        if not chunk:
            raise EOFError("rpc closed")
        self.rpc.unpacker.feed(chunk)
        self.rpc.pending.extend(self.rpc.unpacker)
        if len(self.rpc.pending) >= 2:
            self.rpc.pending.pop(0)
            return True, self.rpc.pending.pop(0)
        return False, None

    def close(self):
        self.rpc.close()


class SerfSystem:
    name = "serf"

    def __init__(self, binary, root, n, key=None):
        self.binary = binary
        self.cluster = Cluster(root, "serf")
        self.n = n
        self.key = key
        self.gossip = [free_port() for _ in range(n)]
        self.rpc = [free_port() for _ in range(n)]

    def argv(self, i):
        a = [self.binary, "agent", f"-node=agent-{i}", f"-bind=127.0.0.1:{self.gossip[i]}",
             f"-rpc-addr=127.0.0.1:{self.rpc[i]}", "-log-level=warn", "-profile=lan"]
        if self.key:
            a += [f"-encrypt={self.key}"]
        if i > 0:
            a += [f"-join=127.0.0.1:{self.gossip[0]}"]
        return a

    def members(self, i):
        r = SerfRpc(self.rpc[i])
        try:
            return r.call("members", has_body=True)["Members"]
        finally:
            r.close()

    def start(self):
        self.cluster.spawn(0, self.argv(0))
        wait_until("the first agent's RPC", lambda: self.members(0), 30)
        for i in range(1, self.n):
            self.cluster.spawn(i, self.argv(i))

        def formed():
            self.cluster.check_running()
            return all(sum(m["Status"] == "alive" for m in self.members(i)) == self.n
                       for i in range(self.n))
        wait_until(f"all {self.n} agents to see {self.n} members alive", formed, 120, 0.5)

    def open_streams(self, key):
        streams = []
        for i in range(self.n):
            r = SerfRpc(self.rpc[i])
            r.call("stream", {"Type": "member-update"})
            streams.append(r)
        return streams

    def write(self, key, value):
        r = SerfRpc(self.rpc[0])
        try:
            r.call("tags", {"Tags": {key: value}, "DeleteTags": []})
        finally:
            r.close()

    def arrived(self, record, key, value):
        return record.get("Event") == "member-update" and any(
            m.get("Name") == "agent-0" and m.get("Tags", {}).get(key) == value
            for m in record.get("Members", []))

    def pollers(self, key):
        return [SerfPoller(self.rpc[i]) for i in range(self.n)]

    def polled(self, answer, key, value):
        return answer is not None and any(
            m.get("Name") == "agent-0" and m.get("Tags", {}).get(key) == value
            for m in answer.get("Members", []))

    def read_everywhere(self, key, value):
        for i in range(self.n):
            ms = {m["Name"]: m for m in self.members(i)}
            if ms["agent-0"]["Tags"].get(key) != value:
                return False
        return True


# ----- the measurements -----------------------------------------------------------------------

# How long a write may take to reach every agent before the trial fails. Longer than a push-pull
# interval (30 s, both systems): a write that gossip missed somewhere is then repaired by
# anti-entropy and counted, with its time, instead of ending the run (Serf on 2026-12-01 missed
# one agent of 64 within 30 s in 2 runs out of 2).
WRITE_WAIT_S = 75

def time_writes(system, trials):
    everywhere, per_agent = [], []
    key = "bench-key"
    for t in range(trials):
        value = f"v{t}-{time.monotonic_ns()}"
        streams = system.open_streams(key)
        sel = selectors.DefaultSelector()
        try:
            for s in streams:
                s.sock.setblocking(False)
                sel.register(s, selectors.EVENT_READ)
            # Every stream open (its response headers in) before the write.
            deadline = time.monotonic() + 20
            while not all(s.ready() for s in streams):
                if time.monotonic() > deadline:
                    raise RuntimeError("event streams did not open")
                for k, _ in sel.select(0.5):
                    k.fileobj.feed()
            arrivals = {}
            t0 = time.monotonic()
            system.write(key, value)
            deadline = t0 + WRITE_WAIT_S
            while len(arrivals) < len(streams):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"trial {t}: {len(arrivals)}/{len(streams)} agents saw it")
                for k, _ in sel.select(0.5):
                    now = time.monotonic()
                    for e in k.fileobj.feed():
                        if system.arrived(e, key, value):
                            arrivals.setdefault(id(k.fileobj), now - t0)
        finally:
            sel.close()
            for s in streams:
                s.close()
        ms = [a * 1000 for a in arrivals.values()]
        everywhere.append(max(ms))
        per_agent.extend(ms)
        wait_until("the value read through every agent's API",
                   lambda: system.read_everywhere(key, value), 30, 0.05)
        time.sleep(0.5)  # let the write's traffic end: trials independent of each other
    return everywhere, per_agent


def time_writes_polled(system, trials):
    """The same writes, found by reading every agent's API over and over (all agents asked at
    once, the next round when every answer is in; agents that have it are not asked again):
    when does a read show it, everywhere. Resolution: one round (64 requests: tens of ms)."""
    everywhere, per_agent, rounds = [], [], []
    key = "bench-poll-key"
    for t in range(trials):
        value = f"p{t}-{time.monotonic_ns()}"
        pollers = system.pollers(key)
        arrivals = {}
        n_rounds = 0
        try:
            # From the request, polling at once: Serf's `tags` returns only once its news has
            # gone out, so the write runs beside the polls.
            t0 = time.monotonic()
            writer = threading.Thread(target=system.write, args=(key, value))
            writer.start()
            deadline = t0 + WRITE_WAIT_S
            while len(arrivals) < len(pollers):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"poll trial {t}: {len(arrivals)}/{len(pollers)} saw it")
                waiting = [p for p in pollers if id(p) not in arrivals]
                sel = selectors.DefaultSelector()
                for p in waiting:
                    p.poll()
                    sel.register(p, selectors.EVENT_READ)
                left = set(map(id, waiting))
                while left:
                    for k, _ in sel.select(5):
                        p = k.fileobj
                        done, answer = p.take()
                        if not done:
                            continue
                        now = time.monotonic()
                        sel.unregister(p)
                        left.discard(id(p))
                        if system.polled(answer, key, value):
                            arrivals[id(p)] = now - t0
                sel.close()
                n_rounds += 1
            writer.join()
        finally:
            for p in pollers:
                p.close()
        ms = [a * 1000 for a in arrivals.values()]
        everywhere.append(max(ms))
        per_agent.extend(ms)
        rounds.append(n_rounds)
        time.sleep(0.5)
    return everywhere, per_agent, rounds


def thread_cpu_ns(pid):
    """{thread id: nanoseconds on a CPU}, from the scheduler's own accounting. /proc/PID/stat
    counts in clock ticks (10 ms): over a 20 s window an agent idling at ~0.5 ms/s gets one or
    two ticks, and the busiest of 64 agents looked 3 times the mean by rounding alone."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[tid] = int(f.read().split()[0])
        except OSError:  # the thread ended meanwhile
            pass
    return out


def measure_idle(system, seconds):
    pids = [p.pid for p in system.cluster.procs]
    before = [thread_cpu_ns(p) for p in pids]
    t0 = time.monotonic()
    time.sleep(seconds)
    window = time.monotonic() - t0
    after = [thread_cpu_ns(p) for p in pids]
    # A thread started in the window counts from zero; one that ended in it loses its share
    # (an idle agent's threads neither start nor end).
    cpu = [sum(ns - b.get(tid, 0) for tid, ns in a.items()) / 1e6 / window
           for a, b in zip(after, before)]
    mem = [[m / 1048576 for m in memory(p)] for p in pids]
    return cpu, mem, [threads(p) for p in pids]


def run(system, args):
    t0 = time.monotonic()
    system.start()
    formed = time.monotonic() - t0
    everywhere, per_agent = time_writes(system, args.trials)
    p_everywhere, p_per_agent, rounds = time_writes_polled(system, args.trials)
    # Idle: let the writes' traffic and the joins' anti-entropy settle first.
    time.sleep(args.settle)
    cpu, mem, nthreads = measure_idle(system, args.idle)
    if args.smaps_dir:
        os.makedirs(args.smaps_dir, exist_ok=True)
        for i, p in enumerate(system.cluster.procs):
            with open(f"/proc/{p.pid}/smaps") as src, \
                    open(os.path.join(args.smaps_dir, f"{system.name}-{i}.smaps"), "w") as dst:
                dst.write(src.read())
    rss, pss, anon = ([m[k] for m in mem] for k in range(3))
    return {
        "system": system.name,
        "nodes": system.n,
        "formation_s": round(formed, 2),
        "trials": args.trials,
        "visible_everywhere_ms_median": round(statistics.median(everywhere), 1),
        "visible_everywhere_ms_max": round(max(everywhere), 1),
        "per_agent_ms_median": round(statistics.median(per_agent), 1),
        "polled_everywhere_ms_median": round(statistics.median(p_everywhere), 1),
        "polled_everywhere_ms_max": round(max(p_everywhere), 1),
        "polled_per_agent_ms_median": round(statistics.median(p_per_agent), 1),
        "poll_rounds_median": statistics.median(rounds),
        "idle_window_s": args.idle,
        "idle_cpu_ms_per_s_mean": round(statistics.mean(cpu), 3),
        "idle_cpu_ms_per_s_median": round(statistics.median(cpu), 3),
        "idle_cpu_ms_per_s_max": round(max(cpu), 3),
        "rss_mib_mean": round(statistics.mean(rss), 2),
        "rss_mib_max": round(max(rss), 2),
        "pss_mib_mean": round(statistics.mean(pss), 2),
        "anon_mib_mean": round(statistics.mean(anon), 2),
        "threads_median": statistics.median(nthreads),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--convoy", help="the convoy binary (a release build for figures)")
    ap.add_argument("--serf", default=shutil.which("serf") or "/usr/bin/serf")
    ap.add_argument("--nodes", type=int, default=64)
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--idle", type=float, default=20.0, help="idle measurement window, seconds")
    ap.add_argument("--settle", type=float, default=5.0, help="quiet time before the window")
    ap.add_argument("--only", choices=["convoy", "serf"])
    ap.add_argument("--json", action="store_true", help="one JSON object per system on stdout")
    ap.add_argument("--smaps-dir", help="also save each agent's /proc/PID/smaps here after the "
                    "idle window (to see which mappings make an agent's resident size)")
    ap.add_argument("--encrypt", action="store_true",
                    help="both systems seal all traffic with one generated 32-byte key")
    args = ap.parse_args()
    key = base64.b64encode(os.urandom(32)).decode() if args.encrypt else None
    systems = []
    if args.only != "serf":
        if not args.convoy:
            ap.error("--convoy is required (or --only serf)")
        systems.append(lambda root: ConvoySystem(os.path.abspath(args.convoy), root, args.nodes,
                                                    key))
    if args.only != "convoy":
        if not os.access(args.serf, os.X_OK):
            ap.error(f"serf not found at {args.serf} (scripts/setup installs Debian's serf)")
        systems.append(lambda root: SerfSystem(args.serf, root, args.nodes, key))
    root = tempfile.mkdtemp(prefix="convoy-vs-serf-")
    results = []
    try:
        for make in systems:
            system = make(root)
            try:
                print(f"{system.name}: starting {args.nodes} agents", file=sys.stderr)
                r = run(system, args)
            finally:
                system.cluster.close()
            results.append(r)
            r["encrypted"] = bool(key)
            print(json.dumps(r) if args.json else
                  f"{r['system']:6} {r['nodes']} agents{' (encrypted)' if key else ''}: write visible through every agent's API "
                  f"median {r['visible_everywhere_ms_median']} ms (max "
                  f"{r['visible_everywhere_ms_max']} ms, per agent median "
                  f"{r['per_agent_ms_median']} ms, {r['trials']} writes); read by polling every "
                  f"API: median {r['polled_everywhere_ms_median']} ms (max "
                  f"{r['polled_everywhere_ms_max']} ms); idle CPU per agent "
                  f"{r['idle_cpu_ms_per_s_mean']} ms/s mean ({r['idle_cpu_ms_per_s_max']} max); "
                  f"RSS per agent {r['rss_mib_mean']} MiB mean ({r['rss_mib_max']} max; PSS "
                  f"{r['pss_mib_mean']} MiB, anonymous {r['anon_mib_mean']} MiB); "
                  f"{r['threads_median']} threads", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
