#!/usr/bin/env python3
"""Garbage to every route of the agent: malformed JSON, huge bodies, bad versions, unknown
members, odd bytes in paths, oversized headers, raw junk on the socket, half-sent requests.
Every answer must be a 4xx with a JSON error body (junk that is not HTTP too: answered, then the
connection closed), and the agent must keep serving and stay in its cluster throughout.

usage: agent_bad_input_test.py CONVOY_BINARY
"""
import json
import socket
import threading

from convoy_harness import check, run, wait_for_alive

UNKNOWN = "0" * 31 + "5"


def expect_error(r, status, what):
    check(r.status == status, f"{what}: expected {status}, got {r}")
    check(r.json is not None and isinstance(r.json.get("error"), str) and r.json["error"],
          f"{what}: no JSON error body: {r}")
    check(isinstance(r.json.get("code"), str), f"{what}: no error code: {r}")


def still_serving(agent, what):
    check(agent.running(), f"the agent died after {what}")
    r = agent.get("/v1/health", timeout=5)
    check(r.status == 200, f"/v1/health after {what}: {r}")


def raw(agent, payload, read=True, timeout=5):
    """Sends raw bytes; returns what the agent answered until it closed (b"" if nothing)."""
    with socket.create_connection(("127.0.0.1", agent.http_port), timeout=timeout) as s:
        try:
            s.sendall(payload)
        except OSError:
            return b""
        if not read:
            return b""
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
                if len(out) > 100000:
                    break
        except OSError:
            pass
        return out


def bodies(a, other):
    json_h = {"Content-Type": "application/json"}
    for path in ("/v1/store/k", f"/v1/members/{other}/store/k"):
        for body, what in (("{", "truncated JSON"), ("[]", "an array"), ('"x"', "a string"),
                           ('{"value": 3}', "a number value"), ('{"expect": 1}', "no value"),
                           ('{"value": "x", "expect": -1}', "a negative version"),
                           ('{"value": "x", "expect": "1"}', "a string version"),
                           ('{"value": "x", "expect": 1.5}', "a fractional version"),
                           ('{"value": "x", "epoch": 3}', "an epoch without expect"),
                           ('{"value": "x", "junk": 1}', "an unknown field"),
                           (b'{"value": "\xff\xfe"}', "invalid UTF-8"),
                           ("{" * 100000, "deep nesting")):
            expect_error(a.put(path, body, headers=json_h), 400, f"{what} to {path}")
        r = a.put(path + "?expect=1", '{"value": "x"}', headers=json_h)
        expect_error(r, 400, "expectation in both the query and the body")
        # Larger than the value limit (64 KiB) but within the body limit: 413 from the agent.
        expect_error(a.put(path, "x" * (70 * 1024)), 413, f"a 70 KiB value to {path}")
        # Larger than the body limit (256 KiB): 413 from the server, still with a JSON body.
        r = a.put(path, "x" * (1024 * 1024))
        expect_error(r, 413, f"a 1 MiB body to {path}")
        check(r.json["code"] == "body_too_large", r)
        # A form-encoded body (curl -d's default type) is a body like any other: its bytes are
        # the value, within the same limits.
        form_h = {"Content-Type": "application/x-www-form-urlencoded"}
        r = a.put(path, "expect=3&" + "x" * (20 * 1024), headers=form_h)
        check(r.status == 200 and r.json["item"]["value"].startswith("expect=3&x"),
              f"a 20 KiB form-encoded value to {path}: {r}")
        r = a.put(path, "x" * (1024 * 1024), headers=form_h)
        expect_error(r, 413, f"a 1 MiB form-encoded body to {path}")
        check(r.json["code"] == "body_too_large", r)
    still_serving(a, "bad bodies")


def versions(a, other):
    for path in ("/v1/store/k", f"/v1/members/{other}/store/k"):
        for query in ("expect=abc", "expect=-1", "expect=", "expect=1e3",
                      "expect=99999999999999999999999", "epoch=1", "expect=1&epoch=x"):
            expect_error(a.put(f"{path}?{query}", "v"), 400, f"PUT {path}?{query}")
            expect_error(a.delete(f"{path}?{query}"), 400, f"DELETE {path}?{query}")
    still_serving(a, "bad versions")


def members(a):
    for method, path in (("GET", f"/v1/members/{UNKNOWN}"),
                         ("GET", f"/v1/members/{UNKNOWN}/store"),
                         ("GET", f"/v1/members/{UNKNOWN}/store/k"),
                         ("PUT", f"/v1/members/{UNKNOWN}/store/k"),
                         ("DELETE", f"/v1/members/{UNKNOWN}/store/k"),
                         ("POST", f"/v1/members/{UNKNOWN}/evict"),
                         ("POST", f"/v1/members/{UNKNOWN}/fail"),
                         ("GET", f"/v1/events?member={UNKNOWN}")):
        expect_error(a.request(method, path, "v" if method == "PUT" else None), 404,
                     f"{method} {path}")
    for bad in ("zz", "%00", "0", "-" * 32, "%ff%fe", "a" * 40, "%20" * 8):
        expect_error(a.get(f"/v1/members/{bad}"), 400, f"member id {bad!r}")
        expect_error(a.put(f"/v1/members/{bad}/store/k", "v"), 400, f"member id {bad!r}")
    still_serving(a, "unknown members")


def odd_paths(a):
    # Bytes that are not UTF-8 (a stray byte, an overlong '/', a surrogate) are not keys.
    for key in ("%ff", "%c0%af", "%ed%a0%80", "a%80b", "%f4%90%80%80"):
        expect_error(a.put(f"/v1/store/{key}", "v"), 400, f"key {key}")
        expect_error(a.get(f"/v1/store/{key}"), 400, f"key {key}")
        expect_error(a.delete(f"/v1/store/{key}"), 400, f"key {key}")
    # Control characters are UTF-8, and keys to the store as they are to the library: they
    # round-trip (JSON escapes them).
    r = a.put("/v1/store/a%00b%0a", "nul")
    check(r.status == 200 and r.json["key"] == "a\x00b\n", f"a key with NUL and LF: {r}")
    r = a.get("/v1/store/a%00b%0a")
    check(r.status == 200 and r.json["item"]["value"] == "nul", r)
    expect_error(a.put("/v1/store/" + "k" * 300, "v"), 400, "a 300-byte key")
    r = a.get("/v1/store/" + "k" * 8000)
    check(r.status in (400, 414), f"an 8000-byte key: {r}")
    expect_error(a.get("/v1/store/" + "k" * 20000), 414, "a 20000-byte path")
    r = a.request("PATCH", "/v1/store/k", "v")
    expect_error(r, 405, "PATCH")
    check(r.headers.get("Allow") == "GET, PUT, DELETE", f"PATCH's Allow: {r.headers}")
    expect_error(a.get("/v1/nothing/here"), 404, "an unknown route")
    expect_error(a.get("/v1/events?members=maybe"), 400, "a bad flag")
    expect_error(a.get("/v1/events?member=zz"), 400, "a bad member filter")
    expect_error(a.get("/v1/members?status=%ff"), 400, "a bad status")
    still_serving(a, "odd paths")


def junk_on_the_socket(a):
    # Each is answered with its 4xx and a JSON error body, then the connection is closed.
    for payload, status in (
        (b"\x00\x01\x02\x03garbage\r\n\r\n", 400),
        (b"GET\r\n\r\n", 400),
        (b"BREW /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"y" * 10000 + b"\r\n\r\n",
         431),
        (b"PUT /v1/store/k HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\nab", 413),
        (b"PUT /v1/store/k HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
        (b"PUT /v1/store/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"GET /v1/store/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
        (b"GET /v1/store/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        # Many small headers: bounded in all (8 KiB), not only line by line.
        (b"GET /v1/health HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) +
         b"\r\n", 431),
    ):
        answer = raw(a, payload)
        check(answer.startswith(b"HTTP/1.1 %d " % status),
              f"{payload[:60]!r} answered with {answer[:200]!r}, not {status}")
        head, _, body = answer.partition(b"\r\n\r\n")
        check(b"Connection: close" in head, f"{payload[:60]!r}: connection kept: {head!r}")
        error = json.loads(body)
        check(isinstance(error.get("error"), str) and isinstance(error.get("code"), str),
              f"{payload[:60]!r}: no JSON error body: {body!r}")
    # Half-sent requests and silent connections must not hold the agent up.
    silent = [socket.create_connection(("127.0.0.1", a.http_port)) for _ in range(20)]
    half = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", a.http_port))
        s.sendall(b"PUT /v1/store/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        half.append(s)
    still_serving(a, "silent and half-sent connections")
    for s in silent + half:
        s.close()
    still_serving(a, "junk on the socket")


def flood(a, other):
    """Many clients sending bad requests at once."""
    errors = []

    def worker(n):
        try:
            for i in range(30):
                r = a.put(f"/v1/members/{other}/store/k?expect=x{i}", "v", timeout=20)
                if r.status != 400:
                    errors.append(r)
                r = a.put("/v1/store/%ff", "v", timeout=20)
                if r.status != 400:
                    errors.append(r)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"flood: {errors[:3]}")
    still_serving(a, "a flood of bad requests")


def test(h):
    a, b = h.cluster(2)
    bodies(a, b.id)
    versions(a, b.id)
    members(a)
    odd_paths(a)
    junk_on_the_socket(a)
    flood(a, b.id)
    # Through all of it the member stayed in its cluster and its store works.
    wait_for_alive([a, b], 2)
    r = a.put("/v1/store/after", "fine")
    check(r.status == 200, r)
    check(json.loads(b.get("/v1/health").text)["members"]["alive"] == 2, "b's view")


if __name__ == "__main__":
    run(test)
