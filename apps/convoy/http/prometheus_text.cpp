// Prometheus text format: see prometheus_text.hpp.
#include "http/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

namespace convoy::app {
namespace {

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, double value, std::string_view labels = {}) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
  }
  void metric(std::string_view name, std::string_view type, std::string_view help, double value) {
    family(name, type, help);
    sample(name, value);
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

  static std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (std::isnan(v)) return "NaN";
    char buf[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
      std::snprintf(buf, sizeof buf, "%.0f", v);
    else
      std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
  }

 private:
  std::string out_;
};

/// A label value, escaped as the format requires (backslash, quote, newline).
std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

double d(std::uint64_t v) {
  return static_cast<double>(v);
}

void membership(Writer& w, const Metrics& m) {
  w.family("convoy_members", "gauge", "Members known to this member, by status (itself included).");
  w.sample("convoy_members", d(m.members_alive), label("status", "alive"));
  w.sample("convoy_members", d(m.members_suspect), label("status", "suspect"));
  w.sample("convoy_members", d(m.members_dead), label("status", "dead"));
  w.sample("convoy_members", d(m.members_left), label("status", "left"));
  w.metric("convoy_incarnation", "gauge", "This member's incarnation.", d(m.incarnation));
  w.metric("convoy_health_score", "gauge", "Lifeguard's local health score (0 is healthy).",
           d(m.health_score));
}

void detection(Writer& w, const Metrics& m) {
  w.metric("convoy_probes_sent_total", "counter", "Direct probes sent.", d(m.probes_sent));
  w.metric("convoy_probes_failed_total", "counter", "Probes that got no ack, direct or indirect.",
           d(m.probes_failed));
  w.metric("convoy_indirect_probes_sent_total", "counter", "Indirect probe requests sent.",
           d(m.indirect_probes_sent));
  w.metric("convoy_suspicions_total", "counter", "Members this member started suspecting.",
           d(m.suspicions));
  w.metric("convoy_members_declared_dead_total", "counter", "Members this member declared dead.",
           d(m.members_declared_dead));
  w.metric("convoy_refutations_total", "counter", "Suspicions of this member that it refuted.",
           d(m.refutations));
}

void traffic(Writer& w, const Metrics& m) {
  w.family("convoy_messages_total", "counter", "Messages sent and received, by path.");
  w.sample("convoy_messages_total", d(m.datagrams_sent),
           label("direction", "out") + "," + label("path", "datagram"));
  w.sample("convoy_messages_total", d(m.datagrams_received),
           label("direction", "in") + "," + label("path", "datagram"));
  w.sample("convoy_messages_total", d(m.stream_messages_sent),
           label("direction", "out") + "," + label("path", "stream"));
  w.sample("convoy_messages_total", d(m.stream_messages_received),
           label("direction", "in") + "," + label("path", "stream"));
  w.family("convoy_bytes_total", "counter", "Bytes sent and received, datagrams and streams.");
  w.sample("convoy_bytes_total", d(m.bytes_sent), label("direction", "out"));
  w.sample("convoy_bytes_total", d(m.bytes_received), label("direction", "in"));
  w.family("convoy_rejected_packets_total", "counter", "Inputs refused, by reason.");
  for (const auto& [reason, count] : m.rejected_packets)
    w.sample("convoy_rejected_packets_total", d(count), label("reason", reason));
}

void dissemination(Writer& w, const Metrics& m) {
  w.metric("convoy_updates_piggybacked_total", "counter",
           "Membership updates carried in datagrams.", d(m.updates_piggybacked));
  w.metric("convoy_deltas_piggybacked_total", "counter", "Store deltas carried in datagrams.",
           d(m.deltas_piggybacked));
  w.family("convoy_piggyback_queue_depth", "gauge", "Rumours waiting to be piggybacked.");
  w.sample("convoy_piggyback_queue_depth", d(m.broadcast_queue_depth),
           label("queue", "membership"));
  w.sample("convoy_piggyback_queue_depth", d(m.store_queue_depth), label("queue", "store"));
  w.metric("convoy_push_pulls_total", "counter", "Full membership exchanges (anti-entropy).",
           d(m.push_pulls));
  w.metric("convoy_store_digests_sent_total", "counter", "Store digests sent (anti-entropy).",
           d(m.store_digests_sent));
  w.metric("convoy_store_syncs_sent_total", "counter", "Store repairs sent (anti-entropy).",
           d(m.store_syncs_sent));
}

void store(Writer& w, const Metrics& m) {
  w.metric("convoy_store_keys", "gauge", "Live keys of this member's own store.", d(m.store_keys));
  w.metric("convoy_store_bytes", "gauge", "Bytes of this member's own store.", d(m.store_bytes));
  w.metric("convoy_store_version", "gauge", "This member's store version.", d(m.store_version));
  w.metric("convoy_remote_writes_started_total", "counter",
           "Writes into other members' stores started from here.", d(m.remote_writes));
  w.family("convoy_remote_writes_total", "counter",
           "Writes into other members' stores from here, by outcome.");
  w.sample("convoy_remote_writes_total", d(m.remote_writes_done), label("outcome", "done"));
  w.sample("convoy_remote_writes_total", d(m.remote_writes_conflict), label("outcome", "conflict"));
  w.sample("convoy_remote_writes_total", d(m.remote_writes_failed), label("outcome", "failed"));
  w.sample("convoy_remote_writes_total", d(m.remote_writes_unknown), label("outcome", "unknown"));

  const std::string name = "convoy_remote_write_latency_seconds";
  w.family(name, "histogram", "Latency of answered writes into other members' stores.");
  const auto n =
      std::min(m.remote_write_latency_bounds.size(), m.remote_write_latency_counts.size());
  for (std::size_t i = 0; i < n; ++i)
    w.sample(name + "_bucket", d(m.remote_write_latency_counts[i]),
             label("le", Writer::number(m.remote_write_latency_bounds[i])));
  w.sample(name + "_bucket", d(m.remote_write_latency_count), label("le", "+Inf"));
  w.sample(name + "_sum", m.remote_write_latency_sum);
  w.sample(name + "_count", d(m.remote_write_latency_count));
}

void plumbing(Writer& w, const Metrics& m) {
  w.metric("convoy_subscriptions", "gauge", "Open directory subscriptions.", d(m.subscriptions));
  w.metric("convoy_subscription_events_dropped_total", "counter",
           "Events lost by subscribers that read too slowly.", d(m.subscription_events_dropped));
  w.metric("convoy_connections_open", "gauge", "Open stream connections.", d(m.connections_open));
  w.metric("convoy_connections_refused_total", "counter", "Stream connections refused.",
           d(m.connections_refused));
  w.metric("convoy_stream_timeouts_total", "counter", "Stream exchanges that timed out.",
           d(m.stream_timeouts));
}

void security(Writer& w, const KeyringStatus& k) {
  // One sample per stage, the current one 1: the usual shape of an enum in Prometheus, so
  // `convoy_encryption_stage{stage="required"} == 0` finds members a rollout has not reached.
  w.family("convoy_encryption_stage", "gauge", "This member's encryption stage (1: the current).");
  for (Encryption e :
       {Encryption::off, Encryption::accept_sealed, Encryption::send_sealed, Encryption::required})
    w.sample("convoy_encryption_stage", e == k.encryption ? 1 : 0, label("stage", to_string(e)));
  w.metric("convoy_keyring_keys", "gauge", "Keys installed in this member's keyring.",
           d(k.key_ids.size()));
}

void agent(Writer& w, const AgentGauges& a) {
  w.metric("convoy_agent_event_streams", "gauge", "Open event streams (SSE clients).",
           d(a.event_streams));
  w.metric("convoy_agent_event_streams_limit", "gauge", "Event streams allowed at once.",
           d(a.event_stream_limit));
  w.metric("convoy_agent_event_frames_dropped_total", "counter",
           "Events dropped for event-stream clients that read too slowly.",
           d(a.event_frames_dropped));
  w.metric("convoy_agent_events_total", "counter", "Events received from the directory.",
           d(a.events_published));
  w.metric("convoy_agent_uptime_seconds", "gauge", "Seconds since the agent started.",
           a.uptime_seconds);
}

}  // namespace

std::string prometheus_text(const Metrics& m, const KeyringStatus& k, const AgentGauges& a) {
  Writer w;
  membership(w, m);
  detection(w, m);
  traffic(w, m);
  dissemination(w, m);
  store(w, m);
  plumbing(w, m);
  security(w, k);
  agent(w, a);
  return w.take();
}

}  // namespace convoy::app
