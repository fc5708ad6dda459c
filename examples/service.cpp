// A service that joins a Convoy cluster, publishes its role and the port it serves on, and
// prints the directory — every member with its role and port — whenever it changes.
//
//   convoy_service --role web --service-port 8080 [--bind IP] [--port N] [--advertise HOST]
//                  [--seed HOST:PORT]... [--data-dir DIR] [--local]
//
// Without --seed it starts a new cluster. The first line says who it is and where others
// reach it ("member <id> at <address>"); SIGINT or SIGTERM makes it leave the cluster
// gracefully. --local uses the fast timings of Config::local() (tests, one machine).
#include <convoy/host.hpp>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

void usage() {
  std::cerr << "usage: convoy_service --role ROLE --service-port N [--bind IP] [--port N]\n"
               "                      [--advertise HOST] [--seed HOST:PORT]... [--data-dir DIR]"
               " [--local]\n";
  std::exit(2);
}

/// The whole directory, one member a line: id, status, address, role and service port.
std::string render(convoy::Host& host) {
  const std::vector<convoy::Member> members = host.directory().all();
  std::size_t alive = 0;
  for (const convoy::Member& m : members) alive += m.status == convoy::MemberStatus::alive;
  std::ostringstream out;
  out << "directory: " << members.size() << " members, " << alive << " alive\n";
  for (const convoy::Member& m : members) {
    const auto role = host.directory().value(m.id, "role");
    const auto port = host.directory().value(m.id, "port");
    out << "  " << m.id.to_string() << ' ' << convoy::to_string(m.status) << ' '
        << m.address.to_string() << " role=" << (role ? role->value : "?")
        << " port=" << (port ? port->value : "?") << '\n';
  }
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  convoy::HostOptions options;
  std::vector<std::string> seeds;
  std::string role;
  std::string service_port;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--role")
      role = next();
    else if (arg == "--service-port")
      service_port = next();
    else if (arg == "--bind")
      options.bind_host = next();
    else if (arg == "--port")
      options.port = static_cast<std::uint16_t>(std::stoi(next()));
    else if (arg == "--advertise")
      options.advertise_host = next();
    else if (arg == "--seed")
      seeds.push_back(next());
    else if (arg == "--data-dir")
      options.data_dir = next();
    else if (arg == "--local")
      options.config = convoy::Config::local();
    else
      usage();
  }
  if (role.empty() || service_port.empty()) usage();

  // The signals are taken by sigwait below: blocked here, before the host starts its threads
  // (which inherit the mask), so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<convoy::Host> host;
  try {
    host = seeds.empty() ? convoy::Host::start(options) : convoy::Host::join(options, seeds);
  } catch (const convoy::Error& e) {
    std::cerr << "convoy_service: " << e.what() << '\n';
    return 1;
  }
  std::printf("member %s at %s\n", host->id().to_string().c_str(),
              host->address().to_string().c_str());
  std::fflush(stdout);

  host->store().put("role", role);
  host->store().put("port", service_port);

  // Callbacks run on a thread of Convoy's and may read the host; one print at a time.
  std::mutex print;
  const auto show = [&] {
    const std::string text = render(*host);
    std::lock_guard lock(print);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  };
  convoy::EventFilter filter;
  filter.self = false;
  convoy::Subscription subscription =
      host->directory().subscribe(filter, [&](const convoy::Event&) { show(); });
  show();

  int signal = 0;
  sigwait(&stop_signals, &signal);
  subscription.cancel();
  host->leave(std::chrono::seconds(3));
  return 0;
}
