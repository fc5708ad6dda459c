// Keyring routes: the member's keyring and encryption stage, read and changed while it runs
// (key rotation, the staged rollout of encryption; docs/agent.md, "Encryption"). Changes go
// through AgentKeyring, so the keyring file follows each one. Keys travel only in request bodies,
// never in a URL (URLs end up in logs), and no answer carries one: keys are named by their ids.
//
//   GET    /v1/keyring                  {"keys": [ids, primary first], "primary", "encryption",
//                                        "cluster_name", "keyring_file"}
//   POST   /v1/keyring/keys             {"key": "BASE64"}            install
//   PUT    /v1/keyring/primary          {"key": "ID or BASE64"}      seal with it from now on
//   DELETE /v1/keyring/keys/{id}                                     remove (not the primary)
//   PUT    /v1/keyring/encryption       {"encryption": "required"}   move to another stage
//
// Each change answers 200 with the keyring as GET shows it; 400 for a body it cannot use; 409
// with the member's reason when the change cannot be made (the key is not installed, is the
// primary, the stage needs a key).
#pragma once

#include "http/api_context.hpp"

#include "http1/router.hpp"

#include <string>

namespace convoy::app {

void add_keyring_routes(Router& router, ApiContext& context);

/// `path` fit for a log line: a key put where an id belongs (DELETE /v1/keyring/keys/{id}) is
/// not written out.
[[nodiscard]] std::string loggable_path(const std::string& path);

}  // namespace convoy::app
