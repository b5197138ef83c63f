#!/bin/sh
# Process benchmarks, one run on this machine: fork+exec+wait of `true` (FORKS times, default 1000)
# and the pipeline `dd if=/dev/zero bs=64k count=16k | cat > /dev/null` (1 GiB through a pipe, busybox
# sh/dd/cat), natively, in the kapsel sandbox, and in runsc (--network=none). Prints medians and ratios.
# Needs gcc, busybox-static, a built target/kapsel.jar (bin/setup); runsc optional. A failed run stops it
# with status 1 before any ratio.
# Environment: RUNS (default 3), FORKS (1000), COUNT (16384 blocks of 64 KiB).
set -eu
bench_name=procs
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
RUNS=${RUNS:-3}
FORKS=${FORKS:-1000}
COUNT=${COUNT:-16384}

gcc -O2 -static -o "$root/bin/forkexec" "$here/forkexec.c"
gcc -O2 -static -o "$root/bin/true" "$here/true.c"
cp /bin/busybox "$root/bin/busybox"
for a in sh dd cat; do ln -s busybox "$root/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
PIPE="dd if=/dev/zero bs=64k count=$COUNT 2>/dev/null | cat > /dev/null"

kapsel() { "$JAVA" $JOPTS -cp "$CP" dev.kapsel.cli.Main sandbox run --memory 1024 --rootfs "$root" "$@"; }
mkbundle() {
    python3 - "$work/bundle/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
cfg = {"ociVersion": "1.0.2", "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
       "env": ["PATH=/bin"], "cwd": "/"}, "root": {"path": "rootfs", "readonly": True}, "hostname": "bench",
       "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}, {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}],
       "linux": {"namespaces": [{"type": t} for t in ["pid", "ipc", "uts", "mount", "network"]]}}
json.dump(cfg, open(path, "w"))
PY
}
runsc_run() { runsc --network=none --root "$work/runsc-state" run --bundle "$work/bundle" "bench$$"; }
have() { command -v "$1" >/dev/null 2>&1; }
per_run() {
    : > "$work/per-run"
    for i in $(seq "$RUNS"); do
        number "$(output "$@" | awk '/forkexec/ {print $4}')" "forkexec: $*" >> "$work/per-run" || exit 1
    done
    median < "$work/per-run"
}

echo "== fork+exec+wait of true, x$FORKS (median of $RUNS, us per run)"
native_fe=$(per_run "$root/bin/forkexec" "$FORKS"); check
echo "native            $native_fe"
kapsel_fe=$(per_run kapsel /bin/forkexec "$FORKS"); check
echo "kapsel sandbox    $kapsel_fe"
if have runsc; then
    mkbundle /bin/forkexec "$FORKS"
    runsc_fe=$(per_run runsc_run); check
    echo "runsc (ptrace)    $runsc_fe"
fi

echo "== pipeline: $PIPE (median of $RUNS, ms wall, sandbox includes ~250 ms start-up)"
native_p=$(repeat_median "$root/bin/busybox" sh -c "cd $root && $PIPE"); check
echo "native (busybox)  $native_p"
kapsel_p=$(repeat_median kapsel /bin/sh -c "$PIPE"); check
echo "kapsel sandbox    $kapsel_p"
if have runsc; then
    mkbundle /bin/sh -c "$PIPE"
    runsc_p=$(repeat_median runsc_run); check
    echo "runsc (ptrace)    $runsc_p"
fi

echo "== ratios"
awk -v k="$kapsel_fe" -v n="$native_fe" 'BEGIN {printf "fork+exec: kapsel/native %.1fx\n", k/n}'
if [ -n "${runsc_fe:-}" ]; then awk -v k="$kapsel_fe" -v r="$runsc_fe" 'BEGIN {printf "fork+exec: kapsel/runsc %.2fx\n", k/r}'; fi
awk -v k="$kapsel_p" -v n="$native_p" 'BEGIN {printf "pipeline: kapsel/native %.1fx\n", k/n}'
if [ -n "${runsc_p:-}" ]; then awk -v k="$kapsel_p" -v r="$runsc_p" 'BEGIN {printf "pipeline: kapsel/runsc %.2fx\n", k/r}'; fi
