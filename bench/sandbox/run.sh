#!/bin/sh
# Sandbox benchmarks, one run on this machine: start-up of `true` (kapsel sandbox, crun, runsc),
# the getppid round trip (native, kapsel sandbox, runsc) and a compute loop (native, kapsel sandbox).
# Prints medians and ratios. Needs gcc, a built target/kapsel.jar (bin/setup), crun and runsc optional.
# Any run that fails (non-zero status, no output, a figure that is not a number) stops it with status 1
# before a ratio is printed.
# Environment: RUNS (default 11), SYSCALLS_NATIVE (1e6), SYSCALLS_SANDBOX (1e5), SYSCALLS_RUNSC (2e4), LOOP (4e8).
set -eu
bench_name=bench
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
RUNS=${RUNS:-11}
SYSCALLS_NATIVE=${SYSCALLS_NATIVE:-1000000}
SYSCALLS_SANDBOX=${SYSCALLS_SANDBOX:-100000}
SYSCALLS_RUNSC=${SYSCALLS_RUNSC:-20000}
LOOP=${LOOP:-400000000}

for p in true getppid compute; do gcc -O2 -static -o "$root/bin/$p" "$here/$p.c"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"

kapsel() { "$JAVA" $JOPTS -cp "$CP" dev.kapsel.cli.Main sandbox run --rootfs "$root" "$@"; }

# OCI bundle for crun/runsc: process args set per run
mkbundle() {
    python3 - "$work/bundle/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
cfg = {"ociVersion": "1.0.2", "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
       "env": ["PATH=/bin"], "cwd": "/"}, "root": {"path": "rootfs", "readonly": True}, "hostname": "bench",
       "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
       "linux": {"namespaces": [{"type": t} for t in ["pid", "ipc", "uts", "mount", "network"]]}}
json.dump(cfg, open(path, "w"))
PY
}
crun_run() { unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run --bundle "$0" "bench$$"' "$work/bundle"; }
runsc_run() { runsc --network=none --root "$work/runsc-state" run --bundle "$work/bundle" "bench$$"; }
have() { command -v "$1" >/dev/null 2>&1; }

echo "== start-up: wall time of 'true' (median of $RUNS, ms)"
native_true=$(repeat_median "$root/bin/true"); check
kapsel_true=$(repeat_median kapsel /bin/true); check
echo "native            $native_true"
echo "kapsel sandbox    $kapsel_true   (includes JVM start-up)"
output "$JAVA" $JOPTS -cp "$CP" "$here/SandboxBench.java" "$root" "$RUNS" /bin/true; check
mkbundle /bin/true
if have crun; then crun_true=$(repeat_median crun_run); check; echo "crun              $crun_true"; fi
if have runsc; then runsc_true=$(repeat_median runsc_run); check; echo "runsc (ptrace)    $runsc_true"; fi

echo "== system call round trip: getppid (ns per call)"
native_sc=$(number "$(output "$root/bin/getppid" "$SYSCALLS_NATIVE" | awk '{print $4}')" "native getppid"); check
kapsel_sc=$(number "$(output kapsel /bin/getppid "$SYSCALLS_SANDBOX" | awk '{print $4}')" "sandbox getppid"); check
echo "native            $native_sc   ($SYSCALLS_NATIVE calls)"
echo "kapsel sandbox    $kapsel_sc   ($SYSCALLS_SANDBOX calls)"
if have runsc; then
    mkbundle /bin/getppid "$SYSCALLS_RUNSC"
    runsc_sc=$(number "$(output runsc_run | awk '{print $4}')" "runsc getppid"); check
    echo "runsc (ptrace)    $runsc_sc   ($SYSCALLS_RUNSC calls)"
fi

echo "== compute loop ($LOOP xorshift iterations, seconds, median of 3)"
cpu_median() {
    : > "$work/cpu"
    for i in 1 2 3; do number "$(output "$@" | awk '{print $4}')" "compute: $*" >> "$work/cpu" || exit 1; done
    median < "$work/cpu"
}
native_cpu=$(cpu_median "$root/bin/compute" "$LOOP"); check
kapsel_cpu=$(cpu_median kapsel /bin/compute "$LOOP"); check
echo "native            $native_cpu"
echo "kapsel sandbox    $kapsel_cpu"

echo "== ratios"
awk -v k="$kapsel_true" -v n="$native_true" 'BEGIN {printf "true: kapsel/native %.1fx\n", k/n}'
if [ -n "${crun_true:-}" ]; then awk -v k="$kapsel_true" -v c="$crun_true" 'BEGIN {printf "true: kapsel/crun %.2fx\n", k/c}'; fi
if [ -n "${runsc_true:-}" ]; then awk -v k="$kapsel_true" -v r="$runsc_true" 'BEGIN {printf "true: kapsel/runsc %.2fx\n", k/r}'; fi
awk -v k="$kapsel_sc" -v n="$native_sc" 'BEGIN {printf "getppid: kapsel/native %.0fx\n", k/n}'
if [ -n "${runsc_sc:-}" ]; then awk -v k="$kapsel_sc" -v r="$runsc_sc" 'BEGIN {printf "getppid: kapsel/runsc %.2fx\n", k/r}'; fi
awk -v k="$kapsel_cpu" -v n="$native_cpu" 'BEGIN {printf "compute: kapsel/native %.3fx\n", k/n}'
