#!/usr/bin/env bash
# The public API stands alone: every header in include/convoy, and a small program using all of
# them, compiles with ONLY the C and C++ standard libraries on the include path (no protobuf,
# Asio, spdlog or any other third-party header could be found even by accident). The libc
# headers are linked one by one from the packages that own them, because /usr/include also holds
# every other library's headers.
#
#   check_public_headers.sh SOURCE_ROOT CXX
set -euo pipefail
root="${1:?usage: check_public_headers.sh SOURCE_ROOT CXX}"
cxx="${2:-c++}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# A private copy of the libc and kernel headers, nothing else.
mkdir -p "$tmp/sys"
for pkg in libc6-dev linux-libc-dev; do
  dpkg -L "$pkg" 2>/dev/null | grep '^/usr/include/' | while read -r f; do
    [ -f "$f" ] || continue
    rel="${f#/usr/include/}"
    mkdir -p "$tmp/sys/$(dirname "$rel")"
    ln -sf "$f" "$tmp/sys/$rel"
  done
done
[ -f "$tmp/sys/stdio.h" ] || { echo "could not find libc6-dev's headers"; exit 1; }

# The compiler's own search list, in its order (#include_next depends on it), with the two libc
# directories swapped for the private copy and everything else dropped.
multiarch=$("$cxx" -print-multiarch 2>/dev/null || true)
flags=(-std=c++20 -fsyntax-only -nostdinc -I "$root/include")
while read -r d; do
  case "$d" in
    */c++/* | */gcc/* | */clang/*) flags+=(-isystem "$d") ;;
    /usr/include/"$multiarch") [ -n "$multiarch" ] && flags+=(-isystem "$tmp/sys/$multiarch") ;;
    /usr/include) flags+=(-isystem "$tmp/sys") ;;
  esac
done < <(echo | "$cxx" -std=c++20 -x c++ -E -v - 2>&1 |
  sed -n '/#include <...> search starts here:/,/End of search list./p' | grep '^ ' | sed 's/^ *//')

count=0
for h in "$root"/include/convoy/*.hpp; do
  echo "#include <convoy/$(basename "$h")>" > "$tmp/one.cpp"
  "$cxx" "${flags[@]}" "$tmp/one.cpp" || { echo "public header does not stand alone: $h"; exit 1; }
  count=$((count + 1))
done
"$cxx" "${flags[@]}" "$root/tests/layering/public_api_program.cpp" ||
  { echo "a program using only the public headers does not compile"; exit 1; }
echo "public headers: $count stand alone with only the standard library"
