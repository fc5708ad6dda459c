#!/usr/bin/env python3
"""/metrics as Prometheus sees it: parsed by the official client's parser
(python3-prometheus-client), every family of docs/agent.md present with its type, values that
follow what the cluster did (members by status, probes, a remote write in the latency
histogram, garbage datagrams counted as rejected packets by reason, store size, health score).

usage: agent_metrics_test.py CONVOY_BINARY
"""
import socket

from prometheus_client.parser import text_string_to_metric_families

from convoy_harness import check, run, wait_until

EXPECTED = {
    "convoy_members": "gauge", "convoy_incarnation": "gauge", "convoy_health_score": "gauge",
    "convoy_probes_sent": "counter", "convoy_probes_failed": "counter",
    "convoy_indirect_probes_sent": "counter", "convoy_suspicions": "counter",
    "convoy_members_declared_dead": "counter", "convoy_refutations": "counter",
    "convoy_messages": "counter", "convoy_bytes": "counter",
    "convoy_rejected_packets": "counter", "convoy_updates_piggybacked": "counter",
    "convoy_deltas_piggybacked": "counter", "convoy_piggyback_queue_depth": "gauge",
    "convoy_push_pulls": "counter", "convoy_store_digests_sent": "counter",
    "convoy_store_syncs_sent": "counter", "convoy_store_keys": "gauge",
    "convoy_store_bytes": "gauge", "convoy_store_version": "gauge",
    "convoy_remote_writes_started": "counter", "convoy_remote_writes": "counter",
    "convoy_remote_write_latency_seconds": "histogram", "convoy_subscriptions": "gauge",
    "convoy_subscription_events_dropped": "counter", "convoy_connections_open": "gauge",
    "convoy_connections_refused": "counter", "convoy_stream_timeouts": "counter",
    "convoy_encryption_stage": "gauge", "convoy_keyring_keys": "gauge",
    "convoy_agent_event_streams": "gauge", "convoy_agent_event_streams_limit": "gauge",
    "convoy_agent_event_frames_dropped": "counter", "convoy_agent_events": "counter",
    "convoy_agent_uptime_seconds": "gauge",
}


def scrape(agent):
    r = agent.get("/metrics")
    check(r.status == 200, r)
    check(r.headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"), r.headers)
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    return families


def sample(families, family, name=None, **labels):
    for s in families[family].samples:
        if (name is None or s.name == name) and all(s.labels.get(k) == v
                                                     for k, v in labels.items()):
            return s.value
    return None


def test(h):
    a, b = h.cluster(2)
    r = a.put(f"/v1/members/{b.id}/store/via-a", "x")
    check(r.status == 200, r)
    # Garbage on the gossip port: dropped and counted, never parsed into anything.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for payload in (b"\x00" * 40, b"not convoy at all", bytes(range(256)) * 4):
            s.sendto(payload, ("127.0.0.1", a.gossip_port))

    def rejected():
        f = scrape(a)
        return sum(s.value for s in f["convoy_rejected_packets"].samples) >= 3
    wait_until("the garbage datagrams counted as rejected", rejected, 20)
    wait_until("probes sent",
               lambda: sample(scrape(a), "convoy_probes_sent", "convoy_probes_sent_total") > 0, 20)

    f = scrape(a)
    for name, kind in EXPECTED.items():
        check(name in f, f"family {name} missing")
        check(f[name].type == kind, f"{name} is a {f[name].type}, not a {kind}")
    check(sample(f, "convoy_members", status="alive") == 2, "alive members")
    check(sample(f, "convoy_members", status="dead") == 0, "dead members")
    check(sample(f, "convoy_remote_writes_started", "convoy_remote_writes_started_total") >= 1,
          "remote writes started")
    check(sample(f, "convoy_remote_writes", outcome="done") >= 1, "remote writes done")
    count = sample(f, "convoy_remote_write_latency_seconds",
                   "convoy_remote_write_latency_seconds_count")
    check(count >= 1, "the remote write is not in the histogram")
    buckets = [(s.labels["le"], s.value) for s in f["convoy_remote_write_latency_seconds"].samples
               if s.name.endswith("_bucket")]
    values = [v for _, v in buckets]
    check(values == sorted(values) and buckets[-1] == ("+Inf", count),
          f"buckets not cumulative: {buckets}")
    check(sample(f, "convoy_store_keys") >= 1, "the name tag is a key")
    check(sample(f, "convoy_health_score") is not None, "health score")
    check(sample(f, "convoy_messages", direction="out", path="datagram") > 0, "datagrams out")
    check(sample(f, "convoy_bytes", direction="in") > 0, "bytes in")
    check(sample(f, "convoy_agent_event_streams") == 0, "no stream open")
    check(sample(f, "convoy_agent_event_streams_limit") == 1024, "stream limit")
    # A plaintext agent: stage off, no keys, nothing refused for a security reason.
    check(sample(f, "convoy_encryption_stage", stage="off") == 1, "stage off")
    check(sample(f, "convoy_encryption_stage", stage="required") == 0, "not required")
    check(sample(f, "convoy_keyring_keys") == 0, "no keys")
    check(sample(f, "convoy_rejected_packets", reason="sealed_unexpected") == 0, "sealed refused")


if __name__ == "__main__":
    run(test)
