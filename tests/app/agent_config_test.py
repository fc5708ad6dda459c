#!/usr/bin/env python3
"""The agent's flags and config file: a good file is applied (settings visible in /v1/config,
tags in the store, flags winning over the file, the library deriving the probe timeout from the
probe period); each kind of bad file or flag is refused before anything starts, with exit
status 2 and ONE line that names the problem; a port already in use is one line and exit 1.

usage: agent_config_test.py CONVOY_BINARY
"""
import os
import subprocess

from convoy_harness import check, refused, run


def config_file(h, name, text):
    path = os.path.join(h.dir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


GOOD = """
# A complete config file: every section.
profile = "local"
join_timeout = "10s"
leave_timeout = "2s"
durability = "batched"

[http]
max_event_streams = 7
event_queue = 64
max_body_bytes = 100000
max_connections = 16

[log]
level = "debug"
format = "json"

[tags]
role = "web"
zone = "eu-1"

[protocol]
probe_period = "2s"
suspicion_mult = 5
indirect_probes = 2
push_pull_interval = "20s"

[dissemination]
gossip_interval = "150ms"
fanout = 4
factor = 2
eager_peers = 2

[store]
max_value_bytes = 4096
write_timeout = "1500ms"
"""


def good_file(h):
    path = config_file(h, "good.toml", GOOD)
    a = h.agent("configured", args=["--config", path, "--tag", "zone=us-2", "--fanout", "5"])
    cfg = a.get("/v1/config").json
    check(cfg["protocol"]["probe_interval"] == "2s", cfg)
    # The library's set_probe_period derives the timeout; the agent does not.
    check(cfg["protocol"]["probe_timeout"] == "1s", cfg)
    check(cfg["protocol"]["suspicion_mult"] == 5 and cfg["protocol"]["indirect_probes"] == 2, cfg)
    check(cfg["protocol"]["push_pull_interval"] == "20s", cfg)
    check(cfg["dissemination"] == {"gossip_interval": "150ms", "fanout": 5, "factor": 2,
                                   "eager_peers": 2, "packet_budget": 1400}, cfg)
    check(cfg["store"]["max_value_bytes"] == 4096 and cfg["store"]["write_timeout"] == "1.5s", cfg)
    # The local profile underneath: what the file does not set comes from Config::local().
    check(cfg["protocol"]["reconnect_interval"] == "5s", cfg)
    store = a.get("/v1/store").json["store"]
    check(store["role"]["value"] == "web" and store["zone"]["value"] == "us-2", store)
    # The store limit from the file is the API's limit too.
    r = a.put("/v1/store/big", "x" * 5000)
    check(r.status == 413, r)
    # JSON log lines at debug level.
    log = a.log().strip().splitlines()
    check(log and all(line.startswith("{") for line in log), f"log not JSON: {log[:3]}")
    check(any('"level":"debug"' in line and "http: GET /v1/config" in line for line in log),
          f"no debug line for the request: {log[-3:]}")
    check(a.terminate() == 0, "exit status after SIGTERM")
    # Explicit probe timeout wins over the derived one, whatever the order of flags.
    b = h.agent("timeout", args=["--probe-timeout", "300ms", "--probe-period", "2s"])
    check(b.get("/v1/config").json["protocol"]["probe_timeout"] == "300ms", "explicit timeout")


def bad_files(h):
    cases = [
        ("unknown key", 'colour = "blue"\n', ["bad.toml:1", "colour", "unknown key"]),
        ("unknown section key", '[protocol]\nprobe_speed = "1s"\n',
         ["bad.toml:2", "protocol.probe_speed", "unknown key"]),
        ("wrong type", '[dissemination]\nfanout = "three"\n',
         ["bad.toml:2", "dissemination.fanout", "expected an integer"]),
        ("negative", '[dissemination]\nfanout = -3\n', ["dissemination.fanout", "negative"]),
        ("bad duration", '[protocol]\nprobe_period = "fast"\n',
         ["bad.toml:2", "protocol.probe_period", "bad duration"]),
        ("duration as a number", '[protocol]\nprobe_period = 5\n',
         ["protocol.probe_period", "expected a string"]),
        ("out of range", '[dissemination]\nfanout = 1000\n',
         ["dissemination.fanout", "between 1 and 64"]),
        ("contradiction", '[protocol]\nprobe_period = "1s"\nprobe_timeout = "2s"\n',
         ["protocol.probe_timeout", "shorter than"]),
        ("bad address", 'bind = "127.0.0.1:99999"\n', ["bind", "bad address"]),
        ("bad profile", 'profile = "moon"\n', ["profile", "moon"]),
        ("bad log level", '[log]\nlevel = "loud"\n', ["log.level", "loud"]),
        ("bad log format", '[log]\nformat = "xml"\n', ["log.format", "xml"]),
        ("bad id", 'id = "42"\n', ["id", "bad member id"]),
        ("join not a list", 'join = "127.0.0.1:1"\n', ["join", "array"]),
        ("tag not a string", '[tags]\nrole = 3\n', ["tags.role", "expected a string"]),
        ("section not a table", 'protocol = 3\n', ["protocol", "table"]),
        ("zero streams", '[http]\nmax_event_streams = 0\n', ["http.max_event_streams", "> 0"]),
        ("TOML syntax", '[protocol\nprobe_period = "1s"\n', ["bad.toml:1"]),
        ("duplicate key", 'profile = "lan"\nprofile = "wan"\n', ["bad.toml:2"]),
        ("tag too long", f'[tags]\n{"k" * 300} = "v"\n', ["max_key_bytes"]),
        ("bad stage", '[security]\nencryption = "loud"\n',
         ["bad.toml:2", "security.encryption", "loud"]),
        ("stage without a key", '[security]\nencryption = "required"\n',
         ["security.encryption", "needs a key"]),
        ("bad key", '[security]\nkeys = ["abc"]\n', ["bad.toml:2", "security.keys", "not a key"]),
        ("unknown security key", '[security]\nkey = "x"\n', ["security.key", "unknown key"]),
    ]
    for what, text, expected in cases:
        path = config_file(h, "bad.toml", text)
        refused(h, ["--config", path], *expected)
    refused(h, ["--config", os.path.join(h.dir, "missing.toml")], "missing.toml", "cannot read")
    refused(h, ["--config", h.dir], "directory")


def bad_flags(h):
    refused(h, ["--probe-period", "soon"], "--probe-period", "bad duration")
    refused(h, ["--fanout", "-1"], "--fanout")
    refused(h, ["--fanout", "0"], "dissemination.fanout", "--fanout")
    refused(h, ["--suspicion-mult", "0.4"], "protocol.suspicion_mult")
    refused(h, ["--profile", "moon"], "--profile", "moon")
    refused(h, ["--tag", "novalue"], "--tag", "key=value")
    refused(h, ["--tag", "=v"], "--tag", "key")
    refused(h, ["--log-level", "loud"], "--log-level")
    refused(h, ["--http", "nowhere:port"], "--http", "bad address")
    refused(h, ["--id", "xyz"], "--id")
    refused(h, ["--no-such-flag"], "--no-such-flag")
    refused(h, ["--join-timeout", "1parsec"], "--join-timeout")
    refused(h, ["--probe-period", "1s", "--probe-timeout", "1s"], "protocol.probe_timeout")
    refused(h, ["--encryption", "loud"], "--encryption", "loud")
    refused(h, ["--encryption", "send_sealed"], "--encryption", "needs a key")
    refused(h, ["--key", "abc"], "--key", "not a key")


def port_in_use(h):
    a = h.agent("holder")
    # The HTTP port of a running agent: refused, exit 1 (not a bad flag: a busy port).
    refused(h, ["--http", f"127.0.0.1:{a.http_port}"], "cannot listen", str(a.http_port),
            status=1)


def test(h):
    bad_flags(h)
    bad_files(h)
    good_file(h)
    port_in_use(h)


if __name__ == "__main__":
    run(test)
