// convoy: the command-line tool. One binary, several commands:
//   convoy agent ...   one member of a cluster, with its HTTP API and dashboard (agent/, http/)
//   convoy members|get|put|del|search|watch|evict|fail|health|keyring   talk to an agent (cli/)
//   convoy keygen      a fresh encryption key (cli/)
//   convoy demo ...    a local cluster of agents, narrated (demo/)
//   convoy sim ...     simulator scenarios (sim/)
//   convoy bench ...   hosts in this process over real sockets, measured (bench/)
// A bad command line is one line on stderr and exit status 2.
#include "agent/agent_command.hpp"
#include "bench/bench_command.hpp"
#include "cli/cli_commands.hpp"
#include "demo/demo_command.hpp"
#include "signals/shutdown_signals.hpp"
#include "sim/sim_command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

int main(int argc, char** argv) {
  CLI::App app{"Convoy: cluster membership and information dissemination"};
  app.require_subcommand(1);
  convoy::app::AgentCommand agent(app);
  convoy::app::CliCommands cli(app);
  convoy::app::DemoCommand demo(app);
  convoy::app::SimCommand sim(app);
  convoy::app::BenchCommand bench(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "convoy: " << e.what() << " (see --help)" << std::endl;
    return 2;
  }

  if (sim.selected()) return sim.run();
  if (bench.selected()) return bench.run();
  if (cli.selected()) return cli.run();
  // The agent and the demo take SIGINT/SIGTERM synchronously: block them before any thread.
  const convoy::app::ShutdownSignals signals;
  if (agent.selected()) return agent.run(signals);
  if (demo.selected()) return demo.run(signals);
  return 2;
}
