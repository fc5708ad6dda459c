#!/usr/bin/env bash
# The installed package, used as another project would: `cmake --install` into a temporary
# prefix, then examples/ configured and built against it with find_package(convoy) (shared, and
# static with CONVOY_USE_STATIC_LIBS), and one example compiled with nothing but pkg-config's
# flags (shared, and static with --static). Every program built is run with --help-like bad
# arguments to show that it loads (its usage exit code is 2).
#
#   install_test.sh BUILD_DIR SOURCE_DIR CXX
set -euo pipefail
build=$1
source=$2
cxx=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
# A failing step shows its command and its whole log: the test's output is all CI keeps.
trap 'status=$?; echo "install_test.sh: line $LINENO failed (exit $status): $BASH_COMMAND"; for log in "$tmp"/*.log; do [ -f "$log" ] && { echo "== $log"; tail -n 60 "$log"; }; done; exit $status' ERR

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1

# What is installed, and nothing of the build tree leaks into it.
test -f "$prefix/include/convoy/host.hpp"
libdir=$(dirname "$(find "$prefix" -name libconvoy.a)")
test -f "$libdir/libconvoy.a"
test -e "$libdir/libconvoy.so"
test -f "$libdir/cmake/convoy/convoyConfig.cmake"
test -f "$libdir/pkgconfig/convoy.pc"
if grep -rq "$build\|$source" "$libdir/cmake/convoy" "$libdir/pkgconfig"; then
  echo "the package names the build or source tree:"; grep -r "$build\|$source" "$libdir"; exit 1
fi
# The public headers include nothing but the standard library and each other.
if grep -h '#include <' "$prefix"/include/convoy/*.hpp | grep -v '<convoy/' |
     grep -E '<(asio|google|spdlog|fmt|lmdb|nlohmann|sodium)'; then
  echo "a public header includes a third-party header"; exit 1
fi

runs() {  # the program starts (its libraries load) and refuses a bad argument with its usage
  local status=0
  "$@" --no-such-option > /dev/null 2>&1 || status=$?
  if [ "$status" -ne 2 ]; then echo "$* exited $status, not 2 (usage)"; exit 1; fi
}

for mode in shared static; do
  static=OFF
  if [ $mode = static ]; then static=ON; fi
  cmake -S "$source/examples" -B "$tmp/examples-$mode" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCONVOY_USE_STATIC_LIBS=$static > "$tmp/configure-$mode.log" 2>&1
  cmake --build "$tmp/examples-$mode" > "$tmp/build-$mode.log" 2>&1
  for program in convoy_service convoy_counter; do runs "$tmp/examples-$mode/$program"; done
done
# The static build holds the library; the shared one loads it from the prefix.
if ldd "$tmp/examples-static/convoy_service" | grep -q libconvoy; then
  echo "the static example links libconvoy.so"; exit 1
fi
# Compared after resolving links: the prefix may sit under a symlinked TMPDIR.
loaded=$(ldd "$tmp/examples-shared/convoy_service" | awk '/libconvoy/ {print $3}')
if [ -z "$loaded" ] || [ "$(readlink -f "$loaded")" != "$(readlink -f "$libdir/libconvoy.so")" ]; then
  echo "the shared example loads libconvoy from '$loaded', not from $libdir:"
  ldd "$tmp/examples-shared/convoy_service"; exit 1
fi

export PKG_CONFIG_PATH=$libdir/pkgconfig
test "$(pkg-config --modversion convoy)" != ""
# shellcheck disable=SC2046
"$cxx" -std=c++20 -o "$tmp/counter-pc" "$source/examples/counter.cpp" \
       $(pkg-config --cflags --libs convoy)
LD_LIBRARY_PATH=$libdir runs "$tmp/counter-pc"
# Static: -lconvoy must take the archive, and Requires.private / Libs.private must be enough.
static_libs=$(pkg-config --static --libs convoy)
static_libs=${static_libs/-lconvoy/-Wl,-Bstatic -lconvoy -Wl,-Bdynamic}
# shellcheck disable=SC2086
"$cxx" -std=c++20 -o "$tmp/counter-pc-static" "$source/examples/counter.cpp" \
       $(pkg-config --cflags convoy) $static_libs
runs "$tmp/counter-pc-static"
echo "installed package OK: cmake (shared, static) and pkg-config (shared, static)"
