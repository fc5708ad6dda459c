// `convoy agent`: see agent_command.hpp. The steps, in order: read the options (file, then
// flags) and refuse bad ones before anything starts; bind the HTTP port (a port in use is
// reported before joining anyone); start or join the member; subscribe the event log and the
// event streams; write the initial keys; serve; wait for a signal; leave. The keyring is resolved
// with the other options (a keyring file that exists wins, and --key with it is refused), and
// its file is created once the member runs.
#include "agent/agent_command.hpp"

#include "agent/agent_keyring.hpp"
#include "agent/config_file.hpp"
#include "agent/event_log.hpp"
#include "agent/log_output.hpp"
#include "http/api_server.hpp"
#include "http/event_hub.hpp"

#include <convoy/error.hpp>
#include <convoy/host.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <future>
#include <iostream>
#include <optional>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

/// How often the main loop of a quiet agent wakes (to notice an eviction).
constexpr std::chrono::seconds kIdleWake{5};

/// The options, or the one-line reason they cannot be used.
AgentOptions read_options(const AgentFlags& flags) {
  AgentOptions options;
  if (!flags.config_path().empty()) load_config_file(flags.config_path(), options);
  flags.apply(options);
  return options;
}

void check_tags(const AgentOptions& options, const Config& config) {
  for (const auto& [key, value] : options.tags) {
    if (key.size() > config.store.max_key_bytes)
      throw OptionError("tag '" + key + "': the key is longer than store.max_key_bytes (" +
                        std::to_string(config.store.max_key_bytes) + ")");
    if (value.size() > config.store.max_value_bytes)
      throw OptionError("tag '" + key + "': the value is longer than store.max_value_bytes (" +
                        std::to_string(config.store.max_value_bytes) + ")");
  }
}

/// Starts the member (a seed when there is nobody to join), waiting for SIGINT/SIGTERM at the
/// same time: a join may take options.join_timeout, and an operator who gives up on it must not
/// have to wait. Host::join cannot be cancelled, so an interrupted join ends the process.
std::unique_ptr<Host> start_member(const AgentOptions& options, HostOptions host_options,
                                   const ShutdownSignals& signals, LogOutput& log) {
  if (options.join.empty()) return Host::start(std::move(host_options));
  log.write(LogLevel::info, "joining the cluster through " + std::to_string(options.join.size()) +
                                " seed(s), for up to " +
                                std::to_string(options.join_timeout.count()) + " ms");
  auto joined = std::async(std::launch::async,
                           [&] { return Host::join(std::move(host_options), options.join); });
  while (joined.wait_for(0ms) != std::future_status::ready) {
    if (auto sig = signals.wait_for(100ms)) {
      log.write(LogLevel::warn, std::string("interrupted (") + strsignal(*sig) +
                                    ") before the join completed; exiting without leaving");
      std::_Exit(1);  // the join thread cannot be stopped, and there is nothing to leave yet
    }
  }
  return joined.get();
}

void write_tags(Host& host, const AgentOptions& options, LogOutput& log) {
  for (const auto& [key, value] : options.tags) {
    if (auto held = host.store().get(key); held && held->value == value) continue;
    const WriteResult r = host.store().put(key, value);
    if (r.status != WriteStatus::done)
      log.write(LogLevel::warn, "tag '" + key + "' was not written: " + to_string(r.status) +
                                    (r.error.empty() ? "" : " (" + r.error + ")"));
  }
}

int fail(const std::string& message, int status) {
  std::cerr << "convoy agent: " << message << std::endl;
  return status;
}

}  // namespace

AgentCommand::AgentCommand(CLI::App& parent)
    : command_(parent.add_subcommand(
          "agent", "Run one member of a cluster, with its HTTP API and dashboard")),
      flags_(*command_) {}

int AgentCommand::run(const ShutdownSignals& signals) {
  AgentOptions options;
  HostOptions host_options;
  std::optional<AgentKeyring> keyring;
  try {
    options = read_options(flags_);
    host_options = to_host_options(options);
    check_tags(options, host_options.config);
    keyring.emplace(options.security);
    host_options.security = keyring->start_options();
  } catch (const OptionError& e) {
    return fail(e.what(), 2);
  }

  LogOutput log(options.log_level, options.log_format);
  host_options.log_sink = log.library_sink();
  // The event log tells the cluster's events at info, aggregated; the library tells them too,
  // one line each. Below debug, only the library's warnings and errors pass, so a burst of
  // joins is not written twice and unaggregated.
  if (options.log_level > LogLevel::debug)
    host_options.log_level = std::max(options.log_level, LogLevel::warn);
  EventHub hub(options.http_limits.max_event_streams, options.http_limits.event_queue);
  ApiContext context(hub, host_options.config);
  ApiServer server(context, options.http_limits, [&log](const std::string& line) {
    if (log.enabled(LogLevel::debug)) log.write(LogLevel::debug, "http: " + line);
  });
  try {
    server.bind(options.http);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }

  std::unique_ptr<Host> host;
  try {
    host = start_member(options, std::move(host_options), signals, log);
  } catch (const Error& e) {
    const bool bad_input =
        e.code() == ErrorCode::invalid_config || e.code() == ErrorCode::invalid_argument;
    return fail(e.what(), bad_input ? 2 : 1);
  }
  try {
    keyring->attach(*host, log);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);  // the member leaves as the Host goes
  }

  EventLog event_log(log);
  EventFilter log_filter;
  log_filter.keys = log.enabled(LogLevel::debug);
  Subscription log_subscription = host->directory().subscribe(
      log_filter, [&event_log](const Event& e) { event_log.on_event(e); });
  context.attach(*host, *keyring);
  hub.attach(host->directory());
  write_tags(*host, options, log);
  server.serve();

  const Member self = host->self();
  log.write(LogLevel::info,
            "member " + self.id.to_string() + " running at " + self.address.to_string() +
                " (incarnation " + std::to_string(self.incarnation) + ", data dir " +
                (options.data_dir.empty() ? std::string("none: nothing kept") : options.data_dir) +
                "), " + std::to_string(host->directory().all().size()) +
                " members; HTTP API on http://" + server.address(),
            {{"event", "started"},
             {"member", self.id.to_string()},
             {"address", self.address.to_string()},
             {"http", server.address()}});
  // After the start: a member that cannot start says so in one line, and nothing else.
  log.write(LogLevel::info, keyring->describe());

  // The main thread wakes only to summarize a burst of events (each second while one lasts) and
  // to notice an eviction (within kIdleWake): on a quiet agent, one wakeup in five seconds, not
  // one a second (every wakeup is a context switch, which is most of an idle agent's CPU).
  for (;;) {
    auto sig = signals.wait_for(event_log.summary_pending() ? 1s : kIdleWake);
    event_log.tick();
    if (sig) {
      log.write(LogLevel::info,
                std::string("received ") + strsignal(*sig) + ": leaving the cluster");
      host->leave(options.leave_timeout);
      server.stop();
      hub.detach();
      log_subscription.cancel();
      log.write(LogLevel::info, "left the cluster; exiting", {{"event", "stopped"}});
      return 0;
    }
    if (!host->running()) {
      server.stop();
      hub.detach();
      log_subscription.cancel();
      log.write(LogLevel::error, "the member stopped (evicted from the cluster); exiting",
                {{"event", "stopped"}});
      return 1;
    }
  }
}

}  // namespace convoy::app
