"""Test harness for the agent's end-to-end tests: real `convoy agent` processes on 127.0.0.1,
each with its own ports, data dir and log under a temporary folder, and small helpers to talk
to their HTTP API with nothing but the standard library (urllib, sockets). Every wait is a
bounded poll of a condition; nothing sleeps for a fixed time. Agents are killed when the
harness is closed (also when a test fails), and their logs are printed on failure.
"""
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def wait_until(what, condition, timeout=20.0, interval=0.05):
    """Polls condition() until it returns a truthy value (returned), or fails naming `what`."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = condition()
        except Exception as e:  # a condition may fail while an agent is starting or dying
            last = None
            err = e
        else:
            err = None
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout}s waiting for {what}"
                              + (f" (last error: {err})" if err else ""))
        time.sleep(interval)


def _ephemeral_start():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_EPHEMERAL_START = _ephemeral_start()
_given = set()


def free_port():
    """A port free for TCP and UDP on 127.0.0.1 (an agent's gossip port serves both), picked at
    random below the kernel's ephemeral range: no outgoing connection of this or a concurrent
    test takes it before the agent binds it (or while a killed agent waits for its restart), and
    two tests running at once pick the same one only by a 1-in-20,000 chance."""
    low = 10000 if _EPHEMERAL_START > 12000 else 1024
    for attempt in range(1000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            try:
                t.bind(("127.0.0.1", random.randrange(low, _EPHEMERAL_START) if attempt < 900
                        else 0))
            except OSError:
                continue
            port = t.getsockname()[1]
            if port in _given:
                continue
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
            except OSError:
                continue
            _given.add(port)
            return port
    raise TestFailure("no free port")


class Response:
    def __init__(self, status, body, headers):
        self.status = status
        self.text = body
        self.headers = headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.status} {self.text[:300]!r}>"


def http(method, url, body=None, headers=None, timeout=30):
    data = body.encode() if isinstance(body, str) else body
    headers = dict(headers or {})
    if data is not None and "Content-Type" not in headers:
        headers["Content-Type"] = "application/octet-stream"  # not urllib's form encoding
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.read().decode("utf-8", "replace"), dict(r.headers))
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read().decode("utf-8", "replace"), dict(e.headers))


class Agent:
    def __init__(self, harness, name, binary, args):
        self.harness = harness
        self.name = name
        self.binary = binary
        self.gossip_port = free_port()
        self.http_port = free_port()
        self.dir = os.path.join(harness.dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "agent.log")
        self.args = args
        self.proc = None
        self.id = None

    @property
    def gossip(self):
        return f"127.0.0.1:{self.gossip_port}"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def command(self):
        return [self.binary, "agent", "--bind", self.gossip, "--http",
                f"127.0.0.1:{self.http_port}", "--data-dir", self.data_dir,
                "--tag", f"name={self.name}"] + self.args

    def start(self, wait=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        if wait:
            self.id = wait_until(f"{self.name}'s API", self._id, timeout=40)
        return self

    def _id(self):
        check(self.proc.poll() is None,
              f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
        r = self.get("/v1/health", timeout=2)
        if r.status != 200:
            return None
        # The agent that answers is this one, not another test's on a reused port.
        check(r.json["http"] == f"127.0.0.1:{self.http_port}" and
              r.json["member"]["address"].endswith(f":{self.gossip_port}"),
              f"{self.name}: another agent answers on its port: {r.json}")
        return r.json["member"]["id"]

    def request(self, method, path, body=None, headers=None, timeout=30):
        return http(method, self.url + path, body, headers, timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, body="", **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def post(self, path, body="", **kw):
        return self.request("POST", path, body, **kw)

    def members(self):
        r = self.get("/v1/members", timeout=5)
        return {m["id"]: m for m in r.json["members"]} if r.status == 200 else {}

    def status_of(self, member_id):
        m = self.members().get(member_id)
        return m["status"] if m else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.running():
            os.killpg(self.proc.pid, sig)

    def stopped(self):
        """Whether every thread of the agent is stopped (state T)."""
        tasks = f"/proc/{self.proc.pid}/task"
        return all(open(f"{tasks}/{t}/stat").read().rsplit(")", 1)[1].split()[0] == "T"
                   for t in os.listdir(tasks))

    def pause(self):
        """SIGSTOP, and wait until it took hold: a signal is delivered asynchronously, and a
        thread on a busy CPU can still answer a datagram after kill() returned."""
        self.signal(signal.SIGSTOP)
        wait_until(f"{self.name} stopped", self.stopped, 10, interval=0.001)

    def kill(self):
        self.signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout=15):
        self.signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class Harness:
    """Owns a temporary folder and every agent started in it."""

    def __init__(self, binary, profile="local"):
        self.binary = os.path.abspath(binary)
        self.profile = profile
        self.dir = tempfile.mkdtemp(prefix="convoy-test-")
        self.agents = []

    def agent(self, name=None, args=(), join=None, start=True):
        name = name or f"agent-{len(self.agents) + 1}"
        extra = ["--profile", self.profile] + list(args)
        for seed in join or []:
            extra += ["--join", seed.gossip if isinstance(seed, Agent) else seed]
        a = Agent(self, name, self.binary, extra)
        self.agents.append(a)
        if start:
            a.start()
        return a

    def cluster(self, n, args=()):
        first = self.agent(args=args)
        rest = [self.agent(args=args, join=[first], start=False) for _ in range(n - 1)]
        for a in rest:
            a.start(wait=False)
        for a in rest:
            a.id = wait_until(f"{a.name}'s API", a._id, timeout=40)
        agents = [first] + rest
        wait_for_alive(agents, len(agents))
        return agents

    def close(self, failed=False):
        for a in self.agents:
            if a.running():
                a.signal(signal.SIGKILL)
                with contextlib.suppress(Exception):
                    a.proc.wait(10)
        if failed:
            for a in self.agents:
                sys.stderr.write(f"----- log of {a.name} -----\n{a.log()[-6000:]}\n")
        shutil.rmtree(self.dir, ignore_errors=True)


def refused(h, args, *expected, status=2):
    """Runs `convoy agent ARGS` (on free ports unless ARGS say where); it must exit `status` at
    once with one line on stderr that holds every string of `expected`. Returns the line."""
    defaults = []
    for flag in ("--http", "--bind"):
        if flag not in args:
            defaults += [flag, f"127.0.0.1:{free_port()}"]
    p = subprocess.run([h.binary, "agent"] + defaults + args,
                       capture_output=True, text=True, timeout=30)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == status, f"{args}: exit {p.returncode}, not {status}: {p.stderr}")
    check(len(lines) == 1, f"{args}: not one line: {p.stderr!r}")
    for word in expected:
        check(word in lines[0], f"{args}: {word!r} not in {lines[0]!r}")
    return lines[0]


def wait_for_alive(agents, n, timeout=30):
    def formed():
        return all(sum(m["status"] == "alive" for m in a.members().values()) == n
                   for a in agents if a.running())
    wait_until(f"every agent to see {n} members alive", formed, timeout)


def wait_for_status(agents, member_id, status, timeout=30):
    wait_until(f"every agent to see {member_id[:8]} {status}",
               lambda: all(a.status_of(member_id) == status for a in agents), timeout)


class SseClient:
    """A raw event-stream client on a socket, so a test controls exactly what it reads."""

    def __init__(self, agent, path="/v1/events", read=True):
        self.sock = socket.create_connection(("127.0.0.1", agent.http_port), timeout=10)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                          .encode())
        self.buffer = b""
        self.events = []
        self.status = None
        self.chunked = False
        if read:
            self._read_headers()

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("stream closed")
        self.buffer += chunk

    def _read_headers(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill(10)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ")[1])
        self.headers = head.decode()
        # An event stream comes unframed (it ends with its connection); error replies and
        # older agents may use chunked framing.
        self.chunked = "transfer-encoding: chunked" in self.headers.lower()

    def next_event(self, timeout=10):
        """The next event {"event", "id", "data"} (chunk framing stripped), or raises."""
        deadline = time.monotonic() + timeout
        while True:
            text = _dechunk(self.buffer) if self.chunked else self.buffer
            if b"\n\n" in text:
                block, _ = text.split(b"\n\n", 1)
                # consume the block from the raw buffer: re-chunking is not needed since
                # events are compared by content; drop everything up to the block's end
                if self.chunked:
                    self.buffer = _drop_prefix(self.buffer, len(block) + 2)
                else:
                    self.buffer = self.buffer[len(block) + 2:]
                event = {"event": "message", "data": "", "id": None}
                lines = block.decode("utf-8", "replace").split("\n")
                if all(line.startswith(":") or not line for line in lines):
                    continue  # comment (greeting, heartbeat)
                for line in lines:
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "data":
                        event["data"] = value
                    elif field in ("event", "id"):
                        event[field] = value
                if event["data"]:
                    event["json"] = json.loads(event["data"])
                return event
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("no event in time")
            self._fill(left)

    def wait_for(self, predicate, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("the awaited event did not come")
            e = self.next_event(left)
            if predicate(e):
                return e

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()


def _dechunk(raw):
    """The payload of a chunked body received so far (ignoring an incomplete last chunk)."""
    out = b""
    pos = 0
    while True:
        nl = raw.find(b"\r\n", pos)
        if nl < 0:
            return out
        size = int(raw[pos:nl].split(b";")[0] or b"0", 16)
        if size == 0:
            return out
        start = nl + 2
        if len(raw) < start + size + 2:
            return out
        out += raw[start:start + size]
        pos = start + size + 2


def _drop_prefix(raw, n):
    """Removes n payload bytes from the front of a chunked body, keeping its framing valid."""
    out = b""
    pos = 0
    remaining = n
    while remaining > 0:
        nl = raw.find(b"\r\n", pos)
        size = int(raw[pos:nl].split(b";")[0], 16)
        start = nl + 2
        if size <= remaining:
            remaining -= size
            pos = start + size + 2
        else:
            rest = raw[start + remaining:start + size]
            out = f"{len(rest):x}\r\n".encode() + rest + b"\r\n"
            pos = start + size + 2
            remaining = 0
    return out + raw[pos:]


def run(test, binary_arg_index=1):
    """Runs test(harness) with the binary given on the command line; exit 0, or 1 with logs."""
    binary = sys.argv[binary_arg_index]
    harness = Harness(binary)
    try:
        test(harness)
    except BaseException as e:
        harness.close(failed=True)
        if isinstance(e, TestFailure):
            print(f"FAILED: {e}", file=sys.stderr)
            sys.exit(1)
        raise
    harness.close()
    print("ok")
