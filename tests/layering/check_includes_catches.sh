#!/usr/bin/env bash
# Proves the layering check can fail: copies the source tree, adds one forbidden include to the
# core (each kind in turn), and expects check_includes.sh to refuse every one of them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${1:?usage: check_includes_catches.sh SOURCE_ROOT}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for bad in '#include <thread>' '#include <asio.hpp>' '#include <sys/socket.h>' \
           '#include "runtime/host.hpp"' 'auto t = std::chrono::steady_clock::now();'; do
  rm -rf "$tmp/tree"
  mkdir -p "$tmp/tree"
  cp -r "$root/include" "$root/src" "$tmp/tree/"
  echo "$bad" >> "$tmp/tree/src/core/engine.cpp"
  if "$here/check_includes.sh" "$tmp/tree" > "$tmp/out" 2>&1; then
    echo "check_includes.sh accepted a core file with: $bad"
    exit 1
  fi
  grep -q "src/core" "$tmp/out" || { echo "the refusal did not name src/core: $(cat "$tmp/out")"; exit 1; }
done
"$here/check_includes.sh" "$root" > /dev/null || { echo "the real tree is not clean"; exit 1; }
echo "layering check catches: ok"
