#!/usr/bin/env bash
# The agent is the proof that Convoy's public API is enough for a real program: nothing under
# apps/convoy/agent, apps/convoy/http or apps/convoy/http1 (its HTTP server) may include one of
# Convoy's internal headers ("core/", "wire/", "runtime/", "storage/", "sim/" — the layers under
# include/convoy). The check is shown to catch a violation on a planted copy before it is
# trusted on the real tree.
set -euo pipefail
root="$1"

violations() {
  grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](core|wire|runtime|storage|sim|crypto)/' \
    "$@" --include='*.cpp' --include='*.hpp' || true
}

# The check catches what it must.
planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
mkdir -p "$planted/agent"
printf '#include "core/engine.hpp"\n' >"$planted/agent/bad.cpp"
printf '#  include <runtime/transport.hpp>\n' >"$planted/agent/bad2.hpp"
[ "$(violations "$planted" | wc -l)" = 2 ] || { echo "the check misses planted includes"; exit 1; }

found=$(violations "$root/apps/convoy/agent" "$root/apps/convoy/http" "$root/apps/convoy/http1")
if [ -n "$found" ]; then
  echo "the agent must use only Convoy's public headers (<convoy/...>):"
  echo "$found"
  exit 1
fi
# And it does use the public API (the check is not vacuous).
grep -rq '#include <convoy/host.hpp>' "$root/apps/convoy/agent" "$root/apps/convoy/http" ||
  { echo "no file of the agent includes <convoy/host.hpp>?"; exit 1; }
echo "agent includes: ok"
