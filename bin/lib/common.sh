# shellcheck shell=bash
# Shared helpers for kapsel's bash scripts (bin/setup, harness/run, ...). Source it; it defines
# functions only and changes no shell options.
#
#   kapsel_java_home        prints the home of a JDK >= 25 ($JAVA_HOME, Temurin 25, /usr/lib/jvm/*)
#   kapsel_require_java_home  the same, or explains what to install on stderr and returns 1
#   kapsel_state_dir        prints the state directory ($KAPSEL_STATE_DIR, /var/lib/kapsel for root,
#                           else ~/.local/share/kapsel); it is not created
#   kapsel_kernel_dir       prints <state>/kernels/default resolved, or returns 1 when absent
#   kapsel_build_if_stale JAVA_HOME  builds the checkout (mvn package) unless target/ is newer than
#                           pom.xml and everything under src/; used by bin/setup and bin/kapsel
#   kapsel_jvm_flags        prints the JVM options every kapsel process starts with (bin/kapsel, the
#                           AOT training run); $KAPSEL_JAVA_OPTS replaces the tuning part;
#                           kapsel_jvm_flags_array puts them in the array KAPSEL_JVM_FLAGS
#   kapsel_aot_cache        prints target/kapsel.aot when it is newer than the jar (else returns 1)
#   kapsel_train_aot JAVA_HOME  makes target/kapsel.aot from a training run of real commands
#   kapsel_log MSG...       a progress line on stderr, prefixed with the script's name

KAPSEL_MIN_JAVA=25

kapsel_log() {
    printf '%s: %s\n' "${KAPSEL_LOG_PREFIX:-$(basename "$0")}" "$*" >&2
}

# Prints the feature release of the JDK at $1 (from its release file), or nothing. Builtins only:
# bin/kapsel runs this on every start.
kapsel_java_feature() {
    local line
    [[ -r "$1/release" ]] || return 0
    while IFS= read -r line; do
        if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
            printf '%s\n' "${BASH_REMATCH[1]}"
            return 0
        fi
    done < "$1/release"
}

kapsel_java_home() {
    local candidates=() home version
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*)
    for home in "${candidates[@]}"; do
        [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || continue
        version=$(kapsel_java_feature "$home")
        if [[ -n "$version" && "$version" -ge "$KAPSEL_MIN_JAVA" ]]; then
            readlink -f "$home"
            return 0
        fi
    done
    return 1
}

kapsel_require_java_home() {
    if ! kapsel_java_home; then
        kapsel_log "no JDK $KAPSEL_MIN_JAVA or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64, /usr/lib/jvm/*)."
        kapsel_log "install one, e.g. the Debian package temurin-25-jdk from the Adoptium repository, or set JAVA_HOME to a JDK >= $KAPSEL_MIN_JAVA"
        return 1
    fi
}

# The checkout this file belongs to.
kapsel_repo() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

# Returns 0 when target/ needs a build: no jar, no stamp, or a source of the jar (pom.xml, src/main,
# src/build; not the tests) newer than the stamp.
kapsel_build_is_stale() {
    local repo="$1" stamp="$1/target/.kapsel-build"
    [[ -f "$repo/target/kapsel.jar" && -f "$stamp" ]] || return 0
    [[ -n "$(find "$repo/pom.xml" "$repo/src/main" "$repo/src/build" -newer "$stamp" -print -quit 2>/dev/null)" ]]
}

kapsel_build_if_stale() {
    local java_home="$1" repo="${KAPSEL_REPO:-}"
    [[ -n "$repo" ]] || repo="$(kapsel_repo)"
    kapsel_build_is_stale "$repo" || return 0
    # Where there is no Maven (the nested harness's L1 copies the tree built on the host, and a copy's
    # times need not keep their order), an existing build is used as it is; without one nothing can run.
    if ! command -v mvn >/dev/null 2>&1; then
        [[ -f "$repo/target/kapsel.jar" ]] && return 0
        kapsel_log "no build in $repo/target and no Maven here to make one: run bin/setup"
        return 1
    fi
    mkdir -p "$repo/target"
    # Engines start several kapsel processes at once: one builds, the others wait for it and then
    # find the build fresh.
    exec 9>"$repo/target/.kapsel-build.lock"
    flock 9
    if kapsel_build_is_stale "$repo"; then
        kapsel_log "building: mvn -B -q package -DskipTests (sources newer than target/)"
        # Debian's Maven 3.8 uses sun.misc.Unsafe through Guava; JDK 24+ warns about it unless allowed.
        if ! (cd "$repo" && JAVA_HOME="$java_home" MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
                mvn -B -q -Dstyle.color=never package -DskipTests >&2); then
            exec 9>&-
            kapsel_log "build failed; run bin/setup to install the build tools"
            return 1
        fi
        # the AOT cache belongs to the old jar; a new one is trained before anyone runs the new jar
        rm -f "$repo/target/kapsel.aot" "$repo/target/kapsel.jsa"
        touch "$repo/target/.kapsel-build"
        kapsel_train_aot "$java_home" || kapsel_log "no AOT cache: kapsel starts without it"
    fi
    exec 9>&-
}

# --enable-native-access: every process that makes FFM calls (and the cache must be made with it, or
# the JVM turns its module handling off). The serial collector and C1-only compilation start fastest;
# the monitor is I/O-bound; no hsperfdata file (jps/jstat counters) to create per process.
# jdk.console=java.base: System.console() without loading JLine.
kapsel_jvm_flags() {
    kapsel_jvm_flags_array
    printf '%s\n' "${KAPSEL_JVM_FLAGS[*]}"
}

# The same flags in the array KAPSEL_JVM_FLAGS, without a subshell (bin/kapsel).
kapsel_jvm_flags_array() {
    read -r -a KAPSEL_JVM_FLAGS <<< "--enable-native-access=ALL-UNNAMED -Djdk.console=java.base ${KAPSEL_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData}"
}


# The AOT cache, only when it was made after the jar it belongs to: the JVM would otherwise notice
# the changed jar and ignore the cache, or, worse, a jar replaced within the same second would slip by.
kapsel_aot_cache() {
    local repo="${1:-$(kapsel_repo)}"
    [[ -f "$repo/target/kapsel.aot" && "$repo/target/kapsel.aot" -nt "$repo/target/kapsel.jar" ]] || return 1
    printf '%s\n' "$repo/target/kapsel.aot"
}

# JDK 25's AOT cache (JEP 483/514/515): one JVM runs real command lines through
# dev.kapsel.cli.StartupTraining with -XX:AOTCacheOutput, and the JVM writes the classes they loaded
# and linked (and their profiles) at exit. The commands need no VM, no image and no root: --version,
# help, state/list/spec/features against an empty state directory, ps, and a sandbox run of busybox
# when this host has /dev/kvm and /bin/busybox.
kapsel_train_aot() {
    local java_home="$1" repo work out status
    repo="$(kapsel_repo)"
    work="$(mktemp -d)"
    out="$repo/target/kapsel.aot"
    mkdir -p "$work/state" "$work/root" "$work/bundle"
    local lines=(kapsel --version :: kapsel --help :: kapsel-runc --version :: kapsel-runc --help
        :: kapsel-runc --root "$work/root" state NOSUCH :: kapsel-runc --root "$work/root" list
        :: kapsel-runc --root "$work/root" list --format json :: kapsel-runc features
        :: kapsel-runc spec --bundle "$work/bundle" :: kapsel-runc --root "$work/root" delete --force NOSUCH
        :: kapsel ps -a :: kapsel images)
    if [[ -r /dev/kvm && -x /bin/busybox ]]; then
        mkdir -p "$work/rootfs/bin"
        cp /bin/busybox "$work/rootfs/bin/busybox"
        ln -s busybox "$work/rootfs/bin/true"
        lines+=(:: kapsel sandbox run --rootfs "$work/rootfs" /bin/true)
    fi
    status=0
    # shellcheck disable=SC2046
    (cd "$work" && KAPSEL_STATE_DIR="$work/state" "$java_home/bin/java" $(kapsel_jvm_flags) -XX:AOTCacheOutput="$out.tmp" \
        -Xlog:aot=error,cds=error -cp "$repo/target/kapsel.jar" dev.kapsel.cli.StartupTraining "${lines[@]}" >"$repo/target/kapsel-aot.log" 2>&1) || status=$?
    rm -rf "$work"
    if [[ $status -ne 0 || ! -s "$out.tmp" ]]; then
        rm -f "$out.tmp"
        kapsel_log "AOT training failed (status $status); see $repo/target/kapsel-aot.log"
        return 1
    fi
    mv -f "$out.tmp" "$out"
}

kapsel_state_dir() {
    if [[ -n "${KAPSEL_STATE_DIR:-}" ]]; then
        printf '%s\n' "$KAPSEL_STATE_DIR"
    elif [[ "$(id -u)" -eq 0 ]]; then
        printf '%s\n' /var/lib/kapsel
    else
        printf '%s\n' "${HOME:?HOME is not set}/.local/share/kapsel"
    fi
}

kapsel_kernel_dir() {
    local link
    link="$(kapsel_state_dir)/kernels/default"
    [[ -L "$link" && -d "$link" ]] || return 1
    readlink -f "$link"
}
