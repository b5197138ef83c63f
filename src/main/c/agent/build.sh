#!/bin/sh
# Builds the guest agent, a static C11 program, from this directory, or another static guest program
# from SRCDIR (the single-program images' init, src/main/c/program-init). The Maven build runs this in
# generate-resources; it can also be run by hand: sh src/main/c/agent/build.sh OUTPUT [SRCDIR]
set -eu
out=${1:?usage: build.sh OUTPUT [SRCDIR]}
src=${2:-$(dirname "$0")}
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "kapsel build: error: $cc is missing; $src is C. Install gcc and libc6-dev (bin/setup does), then build again." >&2
    exit 1
fi
# rebuild only when a source is newer than the binary
if [ -e "$out" ] && [ -z "$(find "$src" -newer "$out" \( -name '*.c' -o -name '*.h' -o -name build.sh \))" ]; then
    exit 0
fi
mkdir -p "$(dirname "$out")"
if ! "$cc" -std=c11 -static -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src"/*.c; then
    echo "kapsel build: error: compiling $src failed (static linking needs libc6-dev's libc.a)" >&2
    rm -f "$out.tmp"
    exit 1
fi
mv "$out.tmp" "$out"
