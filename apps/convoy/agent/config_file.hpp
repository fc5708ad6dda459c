// The agent's config file (TOML): the same settings as the flags, read into AgentOptions before
// the flags apply over them. Every key is documented in docs/agent.md; an unknown key, a value of
// the wrong type or a bad value is refused with one line that names the file, the line and the
// key ("agent.toml:7: protocol.fanout: expected an integer").
#pragma once

#include "agent/agent_options.hpp"

#include <string>

namespace convoy::app {

/// Reads `path` into `options` (only the keys it sets change). Throws OptionError.
void load_config_file(const std::string& path, AgentOptions& options);

}  // namespace convoy::app
