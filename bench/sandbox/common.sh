# Shared set-up of the sandbox benchmarks (sourced by run.sh and procs.sh): paths, the JVM that runs
# kapsel's classes directly, and a work directory with an empty bundle root, removed on exit.
# Sets: here repo JAVA CP JOPTS work root; the caller sets bench_name (names the work directory).
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
PICOCLI=$(ls "$HOME"/.m2/repository/info/picocli/picocli/4.7.7/picocli-4.7.7.jar)
CP="$repo/target/classes:$PICOCLI"
JOPTS="--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
work=$(mktemp -d "/tmp/kapsel-sandbox-$bench_name.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/bundle/rootfs"
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev"
