#!/usr/bin/env bash
# Layering check: each layer under src/ may include only the layers its arrows in
# docs/design.md allow, and the protocol core may not touch threads, clocks, sockets or Asio.
# The CMake link graph keeps the libraries apart; this keeps the headers apart too, since every
# layer sees src/ as its include root.
#
#   check_includes.sh SOURCE_ROOT    exit 0 if clean; otherwise every offending line, exit 1
set -uo pipefail
root="${1:?usage: check_includes.sh SOURCE_ROOT}"
status=0

# fail LAYER_DIR REGEX WHY: every #include line (or, for code patterns, any line) matching REGEX
# in that layer is a violation.
forbid() {
  local dir="$1" regex="$2" why="$3"
  [ -d "$root/$dir" ] || return 0
  local hits
  hits=$(grep -rnE "$regex" "$root/$dir" --include='*.hpp' --include='*.cpp' --include='*.h' || true)
  if [ -n "$hits" ]; then
    echo "layering: $dir: $why:"
    echo "$hits" | sed 's/^/  /'
    status=1
  fi
}

inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*'

# Public headers: the standard library and each other only.
forbid include/convoy "$inc\"" "public headers include only <convoy/...> and the standard library"
forbid include/convoy "$inc<(google|asio|spdlog|fmt|lmdb|sodium|nlohmann|httplib|http_parser|CLI|toml|boost)" \
  "public headers carry no third-party type"

# types: below everything.
forbid src/types "$inc\"(wire|core|sim|storage|runtime|crypto)/" "types depend on nothing internal"

# wire: public types and protobuf only; never the engine.
forbid src/wire "$inc\"(core|sim|storage|runtime|crypto)/" "wire never depends on core or above"

# core: pure, deterministic, single-threaded.
forbid src/core "$inc\"(sim|storage|runtime|crypto)/" "core depends on the public types and wire only"
forbid src/core "$inc<(asio|asio\.hpp|spdlog|fmt|lmdb|sodium|google)" "core uses no third-party library"
forbid src/core "$inc<(thread|mutex|shared_mutex|condition_variable|future|stop_token|semaphore|latch|barrier)>" \
  "core owns no thread and takes no lock"
forbid src/core "$inc<(ctime|time\.h|sys/time\.h|unistd\.h|sys/socket\.h|netinet/[a-z_]+\.h|arpa/inet\.h|netdb\.h|poll\.h|sys/epoll\.h)>" \
  "core reads no clock and opens no socket"
forbid src/core "(steady_clock|system_clock|high_resolution_clock|utc_clock|file_clock)::|\bstd::rand\b|random_device" \
  "core reads no clock and draws no hidden randomness"

# sim: drives the core; never the real runtime.
forbid src/sim "$inc\"(runtime|storage|crypto)/" "sim never uses the runtime"
forbid src/sim "$inc<(asio|thread|mutex)" "sim is single-threaded and owns no socket"

# storage: public types and LMDB only.
forbid src/storage "$inc\"(wire|core|sim|runtime|crypto)/" "storage depends on the public types only"

# crypto: public types and libsodium only; a bytes -> bytes layer that knows no message.
forbid src/crypto "$inc\"(wire|core|sim|storage|runtime)/" "crypto depends on the public types only"
forbid src/crypto "$inc<(asio|asio\.hpp|spdlog|fmt|lmdb|google|nlohmann)" \
  "crypto uses no third-party library but libsodium"

# runtime: may use everything below it, never the simulator.
forbid src/runtime "$inc\"sim/" "runtime never uses the simulator"

if [ "$status" -eq 0 ]; then echo "layering: clean"; fi
exit "$status"
