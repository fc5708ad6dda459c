#!/usr/bin/env python3
"""The event stream under abuse. A thousand SSE clients that connect and never read must not
slow the cluster (a put's delivery to a reading client of another agent) nor the agent's other
requests (/v1/health latency): both are measured without them and with them, and printed. A
client that falls behind gets an `overflow` event instead of stalling anyone; clients that
vanish mid-stream are released; the stream limit answers 503.

usage: agent_event_streams_test.py CONVOY_BINARY
"""
import os
import socket
import statistics
import time

from convoy_harness import SseClient, check, run, wait_for_alive, wait_until

IDLE_CLIENTS = 1000


def health_latencies(agent, n=40):
    out = []
    for _ in range(n):
        t0 = time.monotonic()
        r = agent.get("/v1/health", timeout=10)
        out.append((time.monotonic() - t0) * 1000)
        check(r.status == 200, r)
    return out


def delivery_latencies(writer, reader_agent, owner_id, n=10, tag="x"):
    """Puts on `writer`; times each key_set's arrival at a reading SSE client of `reader_agent`."""
    reader = SseClient(reader_agent, "/v1/events?members=0&self=0&prefix=load-")
    out = []
    try:
        for i in range(n):
            key = f"load-{tag}-{i}"
            t0 = time.monotonic()
            r = writer.put(f"/v1/store/{key}", "v")
            check(r.status == 200, r)
            reader.wait_for(lambda e: e["event"] == "key_set" and e["json"]["key"] == key and
                            e["json"]["member"] == owner_id, timeout=20)
            out.append((time.monotonic() - t0) * 1000)
    finally:
        reader.close()
    return out


def summary(values):
    return f"p50 {statistics.median(values):.1f} ms, max {max(values):.1f} ms"


def threads_of(agent):
    with open(f"/proc/{agent.proc.pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def idle_clients(h, a, b):
    wait_for_alive([a, b], len({a.id, b.id}))
    base_health = health_latencies(a)
    base_delivery = delivery_latencies(b, a, b.id, tag="base")
    suspicions_before = metric(a, "convoy_suspicions_total")

    socks = []
    for _ in range(IDLE_CLIENTS):
        s = socket.create_connection(("127.0.0.1", a.http_port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fill up quickly
        s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(s)
    wait_until(f"{IDLE_CLIENTS} open event streams",
               lambda: a.get("/v1/health").json["event_streams"] >= IDLE_CLIENTS, 60)
    peak_threads = threads_of(a)
    # Events with big values fill every idle client's socket: their writers block and time out.
    for i in range(30):
        r = b.put(f"/v1/store/filler-{i}", "f" * 60000)
        check(r.status == 200, f"filler put: {r}")
    load_health = health_latencies(a)
    load_delivery = delivery_latencies(b, a, b.id, tag="load")
    print(f"/v1/health on the agent:       without {summary(base_health)}; "
          f"with {IDLE_CLIENTS} idle SSE clients {summary(load_health)}")
    print(f"put on b delivered to a reader on a: without {summary(base_delivery)}; "
          f"with {IDLE_CLIENTS} idle SSE clients {summary(load_delivery)}")
    print(f"agent threads with {IDLE_CLIENTS} streams: {peak_threads}")
    check(statistics.median(load_health) < max(50, 5 * statistics.median(base_health)),
          f"health slowed down: {summary(base_health)} -> {summary(load_health)}")
    check(statistics.median(load_delivery) < statistics.median(base_delivery) + 250,
          f"delivery slowed down: {summary(base_delivery)} -> {summary(load_delivery)}")
    check(metric(a, "convoy_suspicions_total") == suspicions_before,
          "a member was suspected while the idle clients were connected")
    wait_for_alive([a, b], len({a.id, b.id}))
    # Over the limit (1024 by default): 503, and the agent keeps serving.
    extra = [SseClient(a) for _ in range(1024 + 5 - a.get("/v1/health").json["event_streams"])]
    check(any(c.status == 503 for c in extra), "no 503 past the stream limit")
    for c in extra:
        c.close()
    for s in socks:
        s.close()
    # Vanished clients are released as soon as a write to them fails.
    def released():
        b.put("/v1/store/poke", str(time.monotonic()))
        return a.get("/v1/health").json["event_streams"] <= 5
    wait_until("the vanished clients' streams released", released, 60, interval=0.2)


def metric(agent, name):
    for line in agent.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def overflow(h, b):
    """A client that stops reading while events pile up is told what it lost."""
    c = h.agent("small-queue", args=["--config", small_queue_config(h)], join=[b])
    slow = SseClient(c, "/v1/events?members=0&self=0&prefix=flood-")
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for i in range(60):
        check(c.put(f"/v1/store/flood-{i}", "x" * 60000).status == 200, "flood put")
    got = slow.wait_for(lambda e: e["event"] == "overflow", timeout=30)
    check(got["json"]["dropped"] > 0 and got["json"]["scope"] == "stream", got)
    # ... and the stream goes on after the overflow.
    c.put("/v1/store/flood-last", "end")
    slow.wait_for(lambda e: e["event"] == "key_set" and e["json"]["key"] == "flood-last", 30)
    slow.close()
    check(metric(c, "convoy_agent_event_frames_dropped_total") > 0, "drops not counted")


def small_queue_config(h):
    path = os.path.join(h.dir, "small-queue.toml")
    with open(path, "w") as f:
        f.write("[http]\nevent_queue = 8\n")
    return path


def mid_stream_disconnects(a, b):
    for _ in range(50):
        c = SseClient(a, "/v1/events")
        c.close()
    readers = [SseClient(a, "/v1/events?members=0") for _ in range(20)]
    b.put("/v1/store/mid", "1")
    for r in readers[:10]:
        r.wait_for(lambda e: e["event"] == "key_set", 20)
        r.close()
    b.put("/v1/store/mid", "2")
    for r in readers[10:]:
        r.wait_for(lambda e: e["event"] == "key_set" and e["json"]["value"] == "2", 20)
        r.close()
    check(a.get("/v1/health").status == 200, "health after disconnects")


def test(h):
    a, b = h.cluster(2)
    mid_stream_disconnects(a, b)
    idle_clients(h, a, b)
    overflow(h, b)


if __name__ == "__main__":
    run(test)
