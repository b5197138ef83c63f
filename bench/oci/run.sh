#!/bin/sh
# `podman run --rm --network none IMG true` with kapsel (its default backend here: sandbox on this
# kind of host, vm inside the harness, see bench/oci/harness.sh) and with crun, alternating in one
# run; prints each runtime's median and the ratio. Environment: RUNS (default 11).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
RUNS=${RUNS:-11}
ensure_image
# crun needs the hybrid-cgroup fix only where the host has the v1/v2 hybrid (peers.md); L1 has plain cgroup2.
CRUN="$work/crun-hybrid"
[ -d /sys/fs/cgroup/unified ] || CRUN=$(command -v crun)
# Milliseconds from date's %N where it has it; busybox's date (the harness's) has not: /proc/uptime (10 ms steps).
now_ms() {
    t=$(date +%s%N)
    case "$t" in
        *N) awk '{printf "%.1f\n", $1 * 1000}' /proc/uptime ;;
        *) echo "$t" | awk '{printf "%.1f\n", $1/1e6}' ;;
    esac
}
one() { s=$(now_ms); podman --runtime "$1" run --rm --network none "$IMAGE" true >/dev/null 2>&1 || echo "run failed: $1" >&2; e=$(now_ms); echo "$e $s" | awk '{printf "%.1f\n", $1-$2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
one "$KAPSEL" >/dev/null; one "$CRUN" >/dev/null   # warm-up: page cache, CDS archive
: > "$work/kapsel.ms"; : > "$work/crun.ms"
i=0
while [ $i -lt "$RUNS" ]; do
    one "$KAPSEL" >> "$work/kapsel.ms"
    one "$CRUN" >> "$work/crun.ms"
    i=$((i+1))
done
k=$(median < "$work/kapsel.ms"); c=$(median < "$work/crun.ms")
backend=$("$KAPSEL" features | sed -n 's/.*"dev.kapsel.isolation.default" *: *"\([a-z]*\)".*/\1/p')
echo "podman run --rm $IMAGE true, median of $RUNS alternating runs (ms)"
echo "kapsel ($backend)  $k   [$(sort -n "$work/kapsel.ms" | head -1)-$(sort -n "$work/kapsel.ms" | tail -1)]"
echo "crun              $c   [$(sort -n "$work/crun.ms" | head -1)-$(sort -n "$work/crun.ms" | tail -1)]"
awk -v k="$k" -v c="$c" 'BEGIN {printf "ratio kapsel/crun %.2fx\n", k/c}'
