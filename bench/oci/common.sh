# Shared set-up of the OCI scripts: a busybox image for podman, podman's host fixes (peers.md), crun's hybrid-cgroup fix.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KAPSEL="$repo/bin/kapsel"
IMAGE=${IMAGE:-localhost/kapsel-busybox:latest}
work=${OCI_WORK:-/tmp/kapsel-oci}
mkdir -p "$work"

# podman on this host: cgroupfs (no systemd), file events, ulimits root cannot raise (no CAP_SYS_RESOURCE).
cat > "$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$work/containers.conf"

# crun fails on the cgroup v1/v2 hybrid: hide the cgroup2 mount in a private mount namespace.
cat > "$work/crun-hybrid" <<'SH'
#!/bin/sh
exec unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' crun "$@"
SH
chmod +x "$work/crun-hybrid"

# A busybox rootfs from Debian's static busybox, imported as a local image (no registry needed).
busybox_rootfs() {
    root="$1"
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev" "$root/sys"
    cp /bin/busybox "$root/bin/busybox"
    for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
}
ensure_image() {
    podman image exists "$IMAGE" && return 0
    rm -rf "$work/rootfs" && busybox_rootfs "$work/rootfs"
    tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
    podman import --change 'CMD ["sh"]' "$work/rootfs.tar" "$IMAGE" >/dev/null 2>&1
}
[ -f "$repo/target/kapsel.jar" ] || (cd "$repo" && mvn -o -q -B package -DskipTests)
