// convoy_test_node: one Convoy member in a process of its own, for the tests that need real
// processes — a SIGKILL in the middle of a write, a cluster spread over network namespaces.
// It embeds a Host through the public API only, reads one command per line on stdin and
// answers each with one JSON line on stdout (flushed at once, so a line the test has read was
// written before anything that happened to the process after it).
//
//   convoy_test_node [--bind IP] [--port N] [--advertise HOST] [--seed HOST:PORT]...
//                    [--data-dir DIR] [--durability each_write|batched] [--probe-ms N]
//                    [--lan] [--dump]
//
// First line: {"op":"ready","id":...,"address":...,"incarnation":...} or
// {"op":"error","code":...,"message":...} (then exit 3). --dump prints the own store as it was
// restored ({"op":"dump",...}) and exits without joining anybody.
//
// Commands: put KEY VALUE | cas OWNER KEY VALUE VERSION EPOCH | get OWNER KEY | members |
// metrics | write_loop PREFIX KEYS THREADS | stop_writes | dump | leave | quit.
// write_loop starts THREADS writers putting PREFIX-<thread>-<i mod KEYS> in a loop; every
// acknowledged write is reported as {"op":"acked","key":...,"version":...,"value":...}.
#include <convoy/host.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;

/// stdout is shared by the command loop, the writers and the event callback.
class Output {
 public:
  void line(const json& j) {
    const std::string text = j.dump() + "\n";
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
};

json item_json(const convoy::Item& item) {
  return {{"value", item.value}, {"version", item.version}, {"epoch", item.epoch}};
}

json write_json(const std::string& op, const std::string& key, const convoy::WriteResult& r) {
  json j = item_json(r.item);
  j["op"] = op;
  j["key"] = key;
  j["status"] = convoy::to_string(r.status);
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

json members_json(convoy::Host& host) {
  json list = json::array();
  for (const convoy::Member& m : host.directory().known())
    list.push_back({{"id", m.id.to_string()},
                    {"status", std::string(convoy::to_string(m.status))},
                    {"incarnation", m.incarnation},
                    {"address", m.address.to_string()}});
  return {{"op", "members"}, {"self", host.id().to_string()}, {"members", list}};
}

json metrics_json(convoy::Host& host) {
  const convoy::Metrics m = host.metrics();
  return {{"op", "metrics"},         {"alive", m.members_alive},   {"suspect", m.members_suspect},
          {"dead", m.members_dead},  {"suspicions", m.suspicions}, {"incarnation", m.incarnation},
          {"health", m.health_score}};
}

json dump_json(convoy::Host& host) {
  json items = json::object();
  for (const auto& [key, item] : host.store().items()) items[key] = item_json(item);
  return {{"op", "dump"}, {"incarnation", host.self().incarnation}, {"items", items}};
}

/// The write_loop writers: each owns its keys, so its acknowledged versions only rise.
class Writers {
 public:
  Writers(convoy::Host& host, Output& out) : host_(host), out_(out) {}
  ~Writers() { stop(); }
  Writers(const Writers&) = delete;
  Writers& operator=(const Writers&) = delete;

  void start(const std::string& prefix, int keys, int threads) {
    for (int t = 0; t < threads; ++t)
      threads_.emplace_back([this, prefix, keys, t] {
        for (long i = 0; !stop_.load(); ++i) {
          const std::string key = prefix + "-" + std::to_string(t) + "-" + std::to_string(i % keys);
          const std::string value = std::to_string(i);
          const convoy::WriteResult r = host_.store().put(key, value);
          if (r.status != convoy::WriteStatus::done) {
            out_.line(write_json("write_failed", key, r));
            return;
          }
          json j = item_json(r.item);
          j["op"] = "acked";
          j["key"] = key;
          out_.line(j);
        }
      });
  }

  void stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
  }

 private:
  convoy::Host& host_;
  Output& out_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

convoy::Expectation expectation(const std::string& version, const std::string& epoch) {
  return convoy::Expectation(std::stoull(version), std::stoull(epoch));
}

void serve(convoy::Host& host, Output& out) {
  Writers writers(host, out);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "put") {
      std::string key, value;
      in >> key >> value;
      out.line(write_json("put", key, host.store().put(key, value)));
    } else if (cmd == "cas") {
      std::string owner, key, value, version, epoch;
      in >> owner >> key >> value >> version >> epoch;
      const auto id = convoy::MemberId::parse(owner);
      if (!id) {
        out.line({{"op", "cas"}, {"status", "failed"}, {"error", "bad member id"}});
        continue;
      }
      out.line(write_json(
          "cas", key,
          host.directory().member(*id).store().put(key, value, expectation(version, epoch))));
    } else if (cmd == "get") {
      std::string owner, key;
      in >> owner >> key;
      const auto id = convoy::MemberId::parse(owner);
      const auto item = id ? host.directory().value(*id, key) : std::nullopt;
      json j = item ? item_json(*item) : json::object();
      j["op"] = "get";
      j["key"] = key;
      j["found"] = item.has_value();
      out.line(j);
    } else if (cmd == "members") {
      out.line(members_json(host));
    } else if (cmd == "metrics") {
      out.line(metrics_json(host));
    } else if (cmd == "write_loop") {
      std::string prefix;
      int keys = 1;
      int threads = 1;
      in >> prefix >> keys >> threads;
      writers.start(prefix, std::max(keys, 1), std::max(threads, 1));
      out.line({{"op", "write_loop"}});
    } else if (cmd == "stop_writes") {
      writers.stop();
      out.line({{"op", "stop_writes"}});
    } else if (cmd == "dump") {
      out.line(dump_json(host));
    } else if (cmd == "leave") {
      writers.stop();
      host.leave(std::chrono::seconds(3));
      out.line({{"op", "left"}});
      return;
    } else if (cmd == "quit") {
      break;
    } else if (!cmd.empty()) {
      out.line({{"op", "unknown"}, {"command", cmd}});
    }
  }
  writers.stop();
  host.shutdown();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A Convoy member controlled through stdin, for tests"};
  convoy::HostOptions options;
  options.port = 0;
  options.config = convoy::Config::local();
  options.log_level = convoy::LogLevel::warn;
  std::vector<std::string> seeds;
  std::string durability = "each_write";
  int probe_ms = 0;
  bool lan = false;
  bool dump = false;
  int join_timeout_s = 30;
  app.add_option("--bind", options.bind_host);
  app.add_option("--port", options.port);
  app.add_option("--advertise", options.advertise_host);
  app.add_option("--seed", seeds);
  app.add_option("--data-dir", options.data_dir);
  app.add_option("--durability", durability)->check(CLI::IsMember({"each_write", "batched"}));
  app.add_option("--probe-ms", probe_ms);
  app.add_option("--join-timeout", join_timeout_s);
  app.add_flag("--lan", lan);
  app.add_flag("--dump", dump);
  CLI11_PARSE(app, argc, argv);
  if (lan) options.config = convoy::Config::lan();
  if (probe_ms > 0) options.config.set_probe_period(std::chrono::milliseconds(probe_ms));
  options.durability =
      durability == "batched" ? convoy::Durability::batched : convoy::Durability::each_write;
  options.join_timeout = std::chrono::seconds(join_timeout_s);
  Output out;
  std::unique_ptr<convoy::Host> host;
  try {
    host =
        seeds.empty() || dump ? convoy::Host::start(options) : convoy::Host::join(options, seeds);
  } catch (const convoy::Error& e) {
    out.line({{"op", "error"},
              {"code", std::string(convoy::to_string(e.code()))},
              {"message", e.what()}});
    return 3;
  }
  if (dump) {
    out.line(dump_json(*host));
    host->shutdown();
    return 0;
  }
  out.line({{"op", "ready"},
            {"id", host->id().to_string()},
            {"address", host->address().to_string()},
            {"incarnation", host->self().incarnation}});
  serve(*host, out);
  return 0;
}
