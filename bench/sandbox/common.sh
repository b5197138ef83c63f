# Shared set-up of the sandbox benchmarks (sourced by run.sh and procs.sh): paths, the JVM that runs
# kapsel's classes directly, and a work directory with an empty bundle root, removed on exit.
# Sets: here repo JAVA CP JOPTS work root; the caller sets bench_name (names the work directory).
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# The jar bin/setup builds holds kapsel with every dependency (picocli, Jackson): a class path of
# target/classes plus picocli alone let every kapsel run die with NoClassDefFoundError.
CP="$repo/target/kapsel.jar"
if [ ! -f "$CP" ]; then
    echo "$bench_name: $CP is missing: build it first (bin/setup --no-packages --no-kernel, or mvn -o package -DskipTests)" >&2
    exit 1
fi
JOPTS="--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
work=$(mktemp -d "/tmp/kapsel-sandbox-$bench_name.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A measurement whose run failed is no measurement: fail stops the whole benchmark with status 1
# (from a command substitution too: the marker file is checked by every caller of a measurement).
fail() {
    echo "$bench_name: FAILED: $*" >&2
    if [ -s "$work/last.err" ]; then sed 's/^/    /' "$work/last.err" >&2; fi
    : > "$work/failed"
    exit 1
}
check() { if [ -e "$work/failed" ]; then exit 1; fi; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { date +%s%N | awk '{printf "%.3f\n", $1/1e6}'; }
# time_ms CMD...: wall ms of one run of CMD, which must exit 0
time_ms() {
    s=$(now_ms)
    "$@" >/dev/null 2>"$work/last.err" || fail "exit status $? from: $*"
    e=$(now_ms)
    echo "$e $s" | awk '{printf "%.3f\n", $1-$2}'
}
repeat_median() {
    : > "$work/times"
    i=0
    while [ $i -lt "$RUNS" ]; do time_ms "$@" >> "$work/times" || exit 1; i=$((i+1)); done
    median < "$work/times"
}
# output CMD...: the stdout of CMD, which must exit 0 and print something
output() {
    out=$("$@" 2>"$work/last.err") || fail "exit status $? from: $*"
    [ -n "$out" ] || fail "no output from: $*"
    printf '%s\n' "$out"
}
# number VALUE WHAT: VALUE if it is a number, else the benchmark fails
number() {
    case "$1" in
        ''|*[!0-9.]*|.|*.*.*) fail "$2: not a number: '$1'" ;;
    esac
    printf '%s\n' "$1"
}
root="$work/bundle/rootfs"
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev"
