#!/usr/bin/env python3
"""The agent's keyring: every route of /v1/keyring with each of its answers (200 with the new
keyring, 400 for a body it cannot use, 409 with the member's reason), the keyring file following
every change (mode 0600), the stage in /v1/health and /metrics, the security reasons of
rejected packets in /metrics — and no key in any answer or log line, whatever is sent. Then
what is refused at start, each with exit 2 and one line: a stage without a key, --key or
--encryption with an existing keyring file (naming the one to drop), a keyring file that cannot
be used (naming it); and the [security] table of the config file.

usage: agent_keyring_test.py CONVOY_BINARY
"""
import json
import os
import stat
import subprocess
import urllib.parse

from prometheus_client.parser import text_string_to_metric_families

from convoy_harness import check, refused, run

SECURITY_REASONS = ("not_sealed", "sealed_unexpected", "sealed_too_short",
                    "sealed_unsupported_version", "other_cluster", "unknown_key", "forged")


def keygen(h):
    p = subprocess.run([h.binary, "keygen"], capture_output=True, text=True, timeout=10)
    check(p.returncode == 0 and len(p.stdout.strip()) == 44, f"keygen: {p}")
    return p.stdout.strip()


class KeyringClient:
    """Calls the keyring routes of one agent, keeping every answer to check none holds a key."""

    def __init__(self, agent):
        self.agent = agent
        self.answers = []

    def __call__(self, method, path, body=None, status=200, code=None):
        if body is not None and not isinstance(body, str):
            body = json.dumps(body)
        r = self.agent.request(method, path, body, headers={"Content-Type": "application/json"})
        self.answers.append(r.text)
        check(r.status == status, f"{method} {path} {body!r}: {r}, not {status}")
        check(r.json is not None, f"{method} {path}: not JSON: {r}")
        if status >= 400:
            check(isinstance(r.json.get("error"), str) and r.json.get("code"), r)
            check(code is None or r.json["code"] == code, f"{method} {path}: {r}, not {code}")
        return r.json


def metric_samples(agent):
    r = agent.get("/metrics")
    check(r.status == 200, r)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(r.text) for s in f.samples}


def routes(h):
    k1, k2, k3 = keygen(h), keygen(h), keygen(h)
    file = os.path.join(h.dir, "a-keyring.json")
    a = h.agent("a", args=["--key", k1, "--keyring-file", file, "--cluster-name", "blue",
                           "--log-level", "debug"])
    call = KeyringClient(a)

    ring = call("GET", "/v1/keyring")
    check(len(ring["keys"]) == 1 and ring["primary"] == ring["keys"][0], ring)
    check(ring["encryption"] == "required" and ring["cluster_name"] == "blue", ring)
    check(ring["keyring_file"] == file, ring)
    id1 = ring["primary"]
    check(len(id1) == 8 and all(c in "0123456789abcdef" for c in id1), id1)

    # Install: 200 with the new keyring, the new key last; installing it again is fine.
    ring = call("POST", "/v1/keyring/keys", {"key": k2})
    check(ring["keys"][0] == id1 and len(ring["keys"]) == 2, ring)
    id2 = ring["keys"][1]
    check(call("POST", "/v1/keyring/keys", {"key": k2})["keys"] == [id1, id2], "again")
    # Bodies that cannot be used: 400, and never the key quoted back.
    call("POST", "/v1/keyring/keys", {"key": "c2hvcnQ="}, 400, "not_a_key")
    call("POST", "/v1/keyring/keys", {"key": k3[:-2]}, 400, "not_a_key")
    call("POST", "/v1/keyring/keys", '{"key": "' + k3, 400, "bad_json")  # cut short
    call("POST", "/v1/keyring/keys", "key=" + k3, 400, "bad_json")
    call("POST", "/v1/keyring/keys", {"key": 7}, 400, "bad_json")
    call("POST", "/v1/keyring/keys", {"key": k3, "and": 1}, 400, "bad_json")
    call("POST", "/v1/keyring/keys", {k3: "key"}, 400, "bad_json")
    call("POST", "/v1/keyring/keys", [k3], 400, "bad_json")
    call("POST", "/v1/keyring/keys", {}, 400, "bad_json")

    # The primary, by id or by key; a key that is not installed is the member's refusal: 409.
    ring = call("PUT", "/v1/keyring/primary", {"key": id2.upper()})
    check(ring["keys"] == [id2, id1] and ring["primary"] == id2, ring)
    ring = call("PUT", "/v1/keyring/primary", {"key": k1})
    check(ring["primary"] == id1, ring)
    call("PUT", "/v1/keyring/primary", {"key": id2})
    r = call("PUT", "/v1/keyring/primary", {"key": k3}, 409, "conflict")
    check("not installed" in r["error"], r)
    call("PUT", "/v1/keyring/primary", {"key": "xyz"}, 400, "not_a_key")
    call("PUT", "/v1/keyring/primary", {"id": id1}, 400, "bad_json")

    # Removal, by id in the URL; the primary and an unknown id are refused (409), a key in the
    # URL is refused without being echoed (400).
    r = call("DELETE", f"/v1/keyring/keys/{id2}", status=409, code="conflict")
    check("primary" in r["error"], r)
    unknown = "0" * 8 if "0" * 8 not in (id1, id2) else "1" * 8
    r = call("DELETE", f"/v1/keyring/keys/{unknown}", status=409, code="conflict")
    check("not installed" in r["error"], r)
    call("DELETE", "/v1/keyring/keys/" + urllib.parse.quote(k1, safe=""), status=400,
         code="bad_key_id")
    call("DELETE", "/v1/keyring/keys/" + urllib.parse.quote(k1, safe="/"), status=400,
         code="bad_key_id")
    ring = call("DELETE", f"/v1/keyring/keys/{id1}")
    check(ring["keys"] == [id2], ring)

    # The stage: '-' for '_' too; an unknown one is 400 (a long one not quoted back).
    ring = call("PUT", "/v1/keyring/encryption", {"encryption": "send-sealed"})
    check(ring["encryption"] == "send_sealed", ring)
    r = call("PUT", "/v1/keyring/encryption", {"encryption": "loud"}, 400, "bad_encryption")
    check("'loud'" in r["error"], r)
    call("PUT", "/v1/keyring/encryption", {"encryption": k3}, 400, "bad_encryption")
    call("PUT", "/v1/keyring/encryption", {"encryption": 3}, 400, "bad_json")
    call("PUT", "/v1/keyring/encryption", "", 400, "bad_json")

    check(a.get("/v1/health").json["encryption"] == "send_sealed", "health")
    samples = metric_samples(a)
    for stage in ("off", "accept_sealed", "send_sealed", "required"):
        value = samples[("convoy_encryption_stage", (("stage", stage),))]
        check(value == (1 if stage == "send_sealed" else 0), f"{stage}: {value}")
    check(samples[("convoy_keyring_keys", ())] == 1, "convoy_keyring_keys")
    for reason in SECURITY_REASONS:
        check(("convoy_rejected_packets_total", (("reason", reason),)) in samples,
              f"no rejected-packet count for {reason}")

    # The file follows: only the new key, the stage, mode 0600.
    with open(file) as f:
        stored = json.load(f)
    check(stored == {"keys": [k2], "encryption": "send_sealed"}, stored)
    check(stat.S_IMODE(os.stat(file).st_mode) == 0o600, oct(os.stat(file).st_mode))

    log = a.log()
    check(f"installed key {id2}" in log and "http: DELETE /v1/keyring/keys/" in log,
          f"changes not logged: {log[-2000:]}")
    for key in (k1, k2, k3):
        check(all(key not in text for text in call.answers), "a key in an answer")
        check(key not in log, "a key in the log")
        check(urllib.parse.quote(key, safe="") not in log, "a key in the log (URL-encoded)")

    # A plaintext agent: no keys, no file; a stage needs a key first.
    b = h.agent("b")
    plain = KeyringClient(b)
    ring = plain("GET", "/v1/keyring")
    check(ring == {"keys": [], "primary": None, "encryption": "off", "cluster_name": "",
                   "keyring_file": None}, ring)
    r = plain("PUT", "/v1/keyring/encryption", {"encryption": "accept_sealed"}, 409, "conflict")
    check("needs a key" in r["error"], r)
    check(b.get("/v1/health").json["encryption"] == "off", "health")


def start_rules(h):
    key = keygen(h)
    refused(h, ["--encryption", "required"], "--encryption", "required needs a key")
    refused(h, ["--key", key[:-4]], "--key", "not a key")
    refused(h, ["--key", key, "--key", key], "given twice")
    refused(h, ["--keyring-file", os.path.join(h.dir, "nowhere", "k.json"), "--key", key],
            "--keyring-file", "does not exist")

    existing = os.path.join(h.dir, "existing.json")
    with open(existing, "w") as f:
        json.dump({"keys": [key], "encryption": "required"}, f)
    line = refused(h, ["--keyring-file", existing, "--key", key], "drop --key", existing)
    check(key not in line, line)
    refused(h, ["--keyring-file", existing, "--encryption", "required"], "drop --encryption")
    config = os.path.join(h.dir, "with-keys.toml")
    with open(config, "w") as f:
        f.write(f'[security]\nkeys = ["{key}"]\n')
    refused(h, ["--config", config, "--keyring-file", existing], "drop --key")

    malformed = os.path.join(h.dir, "malformed.json")
    for text in ('{"keys": ["' + key, '{"keys": ["abc"]}', '{"keys": [], "encryption": "x"}',
                 "", '{"keys": [], "encryption": "required"}'):
        with open(malformed, "w") as f:
            f.write(text)
        line = refused(h, ["--keyring-file", malformed], malformed)
        check(key not in line, line)


def config_file(h):
    key, other = keygen(h), keygen(h)
    path = os.path.join(h.dir, "security.toml")
    file = os.path.join(h.dir, "from-config.json")
    with open(path, "w") as f:
        f.write(f'[security]\nkeys = ["{key}", "{other}"]\nencryption = "accept_sealed"\n'
                f'cluster_name = "green"\nkeyring_file = "{file}"\n')
    c = h.agent("configured", args=["--config", path, "--cluster-name", "flag-wins"])
    ring = c.get("/v1/keyring").json
    check(len(ring["keys"]) == 2 and ring["encryption"] == "accept_sealed", ring)
    check(ring["cluster_name"] == "flag-wins" and ring["keyring_file"] == file, ring)
    with open(file) as f:
        check(json.load(f) == {"keys": [key, other], "encryption": "accept_sealed"}, "file")
    check("keyring: keys " in c.log() and key not in c.log(), c.log()[-1500:])

    # A key with --encryption off: installed, not used (a rollout's first step).
    d = h.agent("waiting", args=["--key", key, "--encryption", "off"])
    ring = d.get("/v1/keyring").json
    check(ring["keys"] == c.get("/v1/keyring").json["keys"][:1] and ring["encryption"] == "off",
          ring)


def test(h):
    start_rules(h)
    routes(h)
    config_file(h)


if __name__ == "__main__":
    run(test)
