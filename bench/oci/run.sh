#!/bin/sh
# `podman run --rm IMG true` with kapsel (sandbox backend) and with crun, alternating in one run;
# prints each runtime's median and the ratio. Environment: RUNS (default 11).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
RUNS=${RUNS:-11}
ensure_image
now_ms() { date +%s%N | awk '{printf "%.1f\n", $1/1e6}'; }
one() { s=$(now_ms); podman --runtime "$1" run --rm "$IMAGE" true >/dev/null 2>&1 || echo "run failed: $1" >&2; e=$(now_ms); echo "$e $s" | awk '{printf "%.1f\n", $1-$2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
one "$KAPSEL" >/dev/null; one "$work/crun-hybrid" >/dev/null   # warm-up: page cache, CDS archive
: > "$work/kapsel.ms"; : > "$work/crun.ms"
i=0
while [ $i -lt "$RUNS" ]; do
    one "$KAPSEL" >> "$work/kapsel.ms"
    one "$work/crun-hybrid" >> "$work/crun.ms"
    i=$((i+1))
done
k=$(median < "$work/kapsel.ms"); c=$(median < "$work/crun.ms")
echo "podman run --rm $IMAGE true, median of $RUNS alternating runs (ms)"
echo "kapsel (sandbox)  $k   [$(sort -n "$work/kapsel.ms" | head -1)-$(sort -n "$work/kapsel.ms" | tail -1)]"
echo "crun              $c   [$(sort -n "$work/crun.ms" | head -1)-$(sort -n "$work/crun.ms" | tail -1)]"
awk -v k="$k" -v c="$c" 'BEGIN {printf "ratio kapsel/crun %.2fx\n", k/c}'
