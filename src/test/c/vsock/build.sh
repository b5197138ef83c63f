#!/bin/sh
# Builds the vsock guest helpers (busybox has no vsock tool) as static x86-64 executables into OUTDIR.
# The Maven build runs this in generate-test-resources, so the guest tests find them even where
# they run without gcc (inside the nested harness); by hand: sh src/test/c/vsock/build.sh OUTDIR
set -eu
src=$(dirname "$0")
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
for c in "$src"/*.c; do
    exe="$out/$(basename "$c" .c)"
    # rebuild only when the source is newer than the binary
    [ -e "$exe" ] && [ -z "$(find "$c" -newer "$exe")" ] && continue
    if ! "${CC:-gcc}" -O1 -Wall -static -o "$exe.tmp" "$c"; then
        echo "kapsel build: error: compiling $c failed: the vsock guest helpers need gcc and libc6-dev (bin/setup installs them)" >&2
        rm -f "$exe.tmp"
        exit 1
    fi
    mv "$exe.tmp" "$exe"
done
