#!/usr/bin/env python3
"""Every route of the agent's HTTP API against a live 3-agent cluster on 127.0.0.1, with every
documented error: members (list, status filter, one member with its store, prefixes), the own
store (GET/PUT/DELETE, compare-and-set by version and epoch, JSON bodies), another member's
store (remote compare-and-set, 409 with the current item, 503 `failed` for a dead owner and 503
`unknown` for a silent one), search, /v1/config, /v1/health, evict and fail.

usage: agent_api_test.py CONVOY_BINARY
"""
import signal
import urllib.parse

from convoy_harness import check, run, wait_for_alive, wait_for_status, wait_until


def q(key):
    return urllib.parse.quote(key, safe="")


def members_routes(a, b, c):
    r = a.get("/v1/members")
    check(r.status == 200, r)
    check(r.json["self"] == a.id, r)
    ids = {m["id"] for m in r.json["members"]}
    check(ids == {a.id, b.id, c.id}, f"members: {ids}")
    for m in r.json["members"]:
        check(set(m) == {"id", "address", "status", "incarnation", "self"}, m)
        check(m["address"].startswith("127.0.0.1:"), m)
    check(len(a.get("/v1/members?status=alive").json["members"]) == 3, "status=alive")
    check(a.get("/v1/members?status=dead").json["members"] == [], "status=dead")
    check(len(a.get("/v1/members?status=alive,dead").json["members"]) == 3, "two statuses")
    r = a.get("/v1/members?status=zombie")
    check(r.status == 400 and "zombie" in r.json["error"], r)

    a.put("/v1/store/role", "web")
    wait_until("b to hold a's role", lambda: b.get(f"/v1/members/{a.id}/store/role").status == 200)
    for ref in (a.id, a.id[:8], a.id[:8].upper()):
        r = b.get(f"/v1/members/{ref}")
        check(r.status == 200, (ref, r))
        check(r.json["id"] == a.id and r.json["status"] == "alive", r)
        check(r.json["store"]["role"]["value"] == "web", r)
        check(r.json["store"]["name"]["value"] == "agent-1", r)
    unknown = "0" * 31 + "1"
    r = a.get(f"/v1/members/{unknown}")
    check(r.status == 404 and r.json["code"] == "unknown_member", r)
    check(r.json["member"] == unknown, r)
    for bad in ("xyz", "12", "g" * 32, "0" * 33):
        r = a.get(f"/v1/members/{bad}")
        check(r.status == 400 and r.json["code"] == "bad_member_id", (bad, r))


def own_store(a, b):
    r = a.put("/v1/store/color", "blue")
    check(r.status == 200 and r.json["status"] == "done", r)
    item = r.json["item"]
    check(item["value"] == "blue" and item["version"] > 0 and item["epoch"] > 0, r)
    v, epoch = item["version"], item["epoch"]
    r = a.get("/v1/store/color")
    check(r.status == 200 and r.json["item"] == item, r)

    # Compare-and-set: the right version wins, a stale one gets 409 with the current item.
    r = a.put(f"/v1/store/color?expect={v}", "green")
    check(r.status == 200 and r.json["item"]["version"] > v, r)
    v2 = r.json["item"]["version"]
    r = a.put(f"/v1/store/color?expect={v}", "red")
    check(r.status == 409 and r.json["code"] == "conflict" and r.json["status"] == "conflict", r)
    check(r.json["item"]["value"] == "green" and r.json["item"]["version"] == v2, r)
    check("expected version" in r.json["error"], r)
    r = a.put(f"/v1/store/color?expect={v2}&epoch={epoch}", "teal")
    check(r.status == 200, f"expect with the right epoch: {r}")
    v3 = r.json["item"]["version"]
    r = a.put(f"/v1/store/color?expect={v3}&epoch={epoch + 1000}", "pink")
    check(r.status == 409, f"expect with another epoch: {r}")
    r = a.put("/v1/store/fresh?expect=0", "x")
    check(r.status == 200, f"expect=0 on an absent key: {r}")
    r = a.put("/v1/store/fresh?expect=0", "y")
    check(r.status == 409, f"expect=0 on a present key: {r}")

    # The JSON body form.
    r = a.put("/v1/store/json-key", '{"value": "from json", "expect": 0}',
              headers={"Content-Type": "application/json"})
    check(r.status == 200 and r.json["item"]["value"] == "from json", r)
    r = a.put("/v1/store/json-key", '{"value": "again", "expect": 0}',
              headers={"Content-Type": "application/json"})
    check(r.status == 409, r)

    # Keys with slashes, spaces, percent signs and non-ASCII text travel percent-encoded.
    for key in ("a/b/c", "with space", "100%", "ключ", "emoji-🚀", "q?x=1#f"):
        r = a.put(f"/v1/store/{q(key)}", key + "!")
        check(r.status == 200 and r.json["key"] == key, (key, r))
        r = a.get(f"/v1/store/{q(key)}")
        check(r.status == 200 and r.json["item"]["value"] == key + "!", (key, r))
        check(key in a.get("/v1/store").json["store"], key)

    # Delete, conditional delete, and reading a deleted key.
    r = a.delete(f"/v1/store/color?expect={v}")
    check(r.status == 409, f"stale delete: {r}")
    r = a.delete("/v1/store/color")
    check(r.status == 200 and r.json["item"]["deleted"] is True, r)
    r = a.get("/v1/store/color")
    check(r.status == 404 and r.json["code"] == "no_such_key", r)
    check("color" not in a.get("/v1/store").json["store"], "deleted key listed")

    # Replication: b sees a's key, then its deletion.
    wait_until("b to see a/b/c", lambda: b.get(f"/v1/members/{a.id}/store/{q('a/b/c')}")
               .status == 200)
    wait_until("b to see color deleted",
               lambda: b.get(f"/v1/members/{a.id}/store/color").status == 404)


def remote_store(a, b, c):
    # a writes into c's store: applied by the owner, seen by everyone.
    path = f"/v1/members/{c.id}/store/remote"
    r = a.put(path + "?expect=0", "one")
    check(r.status == 200 and r.json["status"] == "done" and r.json["member"] == c.id, r)
    v = r.json["item"]["version"]
    # The owner's own API shows the write at once: the runtime publishes a turn's snapshot
    # before the turn's messages (the answer to a) leave.
    r = c.get("/v1/store/remote")
    check(r.status == 200 and r.json["item"]["value"] == "one" and r.json["item"]["version"] == v,
          f"the owner's view of a write its writer heard was done: {r}")
    r = b.put(path + "?expect=0", "stale")
    check(r.status == 409 and r.json["item"]["value"] == "one" and r.json["item"]["version"] == v,
          f"stale remote CAS: {r}")
    r = b.put(f"/v1/members/{c.id[:10]}/store/remote?expect={v}", "two")
    check(r.status == 200, f"remote CAS by prefix: {r}")
    r = b.put(path, '{"value": "three"}', headers={"Content-Type": "application/json"})
    check(r.status == 200 and r.json["item"]["value"] == "three", r)
    wait_until("a to see remote=three",
               lambda: a.get(path).json and a.get(path).json["item"]["value"] == "three")
    r = a.delete(path + f"?expect={v}")
    check(r.status == 409, r)
    r = a.delete(path)
    check(r.status == 200, r)
    wait_until("c's key deleted", lambda: c.get("/v1/store/remote").status == 404)
    r = a.get(f"/v1/members/{c.id}/store")
    check(r.status == 200 and r.json["member"] == c.id and "name" in r.json["store"], r)
    r = a.get(f"/v1/members/{c.id}/store/nothing-here")
    check(r.status == 404 and r.json["code"] == "no_such_key", r)
    r = a.put(f"/v1/members/{'0' * 31}7/store/k", "v")
    check(r.status == 404 and r.json["code"] == "unknown_member", r)
    # Writing through the member route into this agent's own store works too.
    r = a.put(f"/v1/members/{a.id}/store/self-route", "ok")
    check(r.status == 200, r)
    check(a.get("/v1/store/self-route").json["item"]["value"] == "ok", "self route")


def silent_owner(a, b, c):
    """An owner that stops answering: the write's outcome is unknown (503, status unknown)."""
    c.pause()
    try:
        r = a.put(f"/v1/members/{c.id}/store/while-stopped", "x", timeout=60)
        check(r.status == 503, f"write to a stopped owner: {r}")
        check(r.json["status"] in ("unknown", "failed"), r)
        check(r.json["status"] == "unknown", f"the owner was silent, not known down: {r}")
        check(r.json["code"] == "outcome_unknown", r)
    finally:
        c.signal(signal.SIGCONT)
    wait_for_alive([a, b, c], 3)


def search(a, b, c):
    for agent, role in ((a, "web"), (b, "web"), (c, "db")):
        agent.put("/v1/store/role", role)
    wait_until("every role everywhere",
               lambda: len(a.get("/v1/search?key=role").json["entries"]) == 3)
    r = a.get("/v1/search?key=role")
    check({e["member"] for e in r.json["entries"]} == {a.id, b.id, c.id}, r)
    for e in r.json["entries"]:
        check(set(e) == {"member", "key", "value", "version", "epoch"}, e)
    r = a.get("/v1/search?value=web")
    check({e["member"] for e in r.json["entries"]} == {a.id, b.id}, r)
    r = a.get("/v1/search?key=role&value=db")
    check([e["member"] for e in r.json["entries"]] == [c.id], r)
    r = a.get("/v1/search?prefix=na")
    check(len(r.json["entries"]) == 3 and all(e["key"] == "name" for e in r.json["entries"]), r)
    r = a.get("/v1/search?prefix=ro&value=web")
    check(len(r.json["entries"]) == 2, r)
    r = a.get("/v1/search?key=role&limit=1")
    check(len(r.json["entries"]) == 1 and r.json["truncated"] is True, r)
    check(a.get("/v1/search?key=nothing").json == {"entries": [], "truncated": False}, "none")
    r = a.get("/v1/search")
    check(r.status == 400, r)
    for bad in ("limit=0", "limit=-1", "limit=x", "key=role&limit=99999999"):
        check(a.get("/v1/search?" + bad).status == 400, bad)


def config_and_health(a):
    r = a.get("/v1/config")
    check(r.status == 200, r)
    # The local profile (Config::local()): the library's numbers, not the agent's.
    check(r.json["protocol"]["probe_timeout"] == "200ms", r)
    check(r.json["dissemination"]["gossip_interval"] == "100ms", r)
    r = a.get("/v1/health")
    check(r.status == 200 and r.json["status"] == "ok", r)
    check(r.json["member"]["id"] == a.id and r.json["member"]["self"] is True, r)
    check(r.json["members"]["alive"] >= 1 and "health_score" in r.json, r)
    check(r.json["http"] == f"127.0.0.1:{a.http_port}", r)


def fail_and_evict(h, a, b, c):
    inc = b.members()[c.id]["incarnation"]
    r = b.post(f"/v1/members/{c.id}/fail")
    check(r.status == 200 and r.json["done"] is True, r)
    # c is alive, hears it was declared failed, and comes back with a higher incarnation.
    wait_until("c back alive with a higher incarnation everywhere",
               lambda: all(x.members().get(c.id, {}).get("status") == "alive" and
                           x.members()[c.id]["incarnation"] > inc for x in (a, b)), 30)
    r = b.post(f"/v1/members/{'0' * 31}9/fail")
    check(r.status == 404, r)
    r = b.post(f"/v1/members/{'0' * 31}9/evict")
    check(r.status == 404, r)
    # A known path with the wrong method: 405, naming the methods that would do.
    r = b.get(f"/v1/members/{c.id}/fail")
    check(r.status == 405 and r.json["code"] == "method_not_allowed" and
          r.headers.get("Allow") == "POST", f"GET on an action: {r} {r.headers}")
    # Evict c: it stops for good (its agent exits, status 1) and stays out.
    r = a.post(f"/v1/members/{c.id}/evict")
    check(r.status == 200, r)
    wait_until("c's agent to exit after its eviction", lambda: not c.running(), 30)
    check(c.proc.returncode == 1, f"evicted agent exit status {c.proc.returncode}")
    wait_until("a and b to see c evicted or gone",
               lambda: all(x.status_of(c.id) in ("evicted", None) for x in (a, b)), 30)


def dead_owner(a, b, victim):
    victim.kill()
    wait_for_status([a, b], victim.id, "dead", 30)
    r = a.put(f"/v1/members/{victim.id}/store/k", "v")
    check(r.status == 503 and r.json["status"] == "failed", f"write to a dead owner: {r}")
    check(r.json["code"] == "owner_unavailable", r)


def test(h):
    a, b, c = h.cluster(3)
    members_routes(a, b, c)
    own_store(a, b)
    remote_store(a, b, c)
    search(a, b, c)
    config_and_health(a)
    silent_owner(a, b, c)
    fail_and_evict(h, a, b, c)
    d = h.agent("agent-4", join=[a])
    wait_for_alive([a, b, d], 3)
    dead_owner(a, b, d)


if __name__ == "__main__":
    run(test)
