#!/bin/sh
# kapsel harness, L1 stage 2 (PID 1 in the base image, busybox sh): mounts the usual file systems
# and the repository disk, loads KVM and the optional modules, runs the job with its stdout and
# stderr on the virtio ports kapsel.stdout / kapsel.stderr, writes its exit status to the port
# kapsel.status and powers L1 off. Messages go to the console (ttyS0), which the host logs.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
job=/run/harness
say() { echo "kapsel-harness: $*"; }
die() {
    say "stage 2: $*"
    sync
    poweroff -f
    sleep 60
}

mount -t proc proc /proc || die "cannot mount /proc"
mount -t sysfs sysfs /sys || die "cannot mount /sys"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# The image's own root, before /tmp is covered: the JDK or the kernel cache may live below /tmp.
mkdir -p $job/rootfs
mount --bind / $job/rootfs
mount -t tmpfs -o mode=1777 tmpfs /tmp
while IFS= read -r p; do
    [ -e "$p" ] && continue
    if ! mkdir -p "$p" || ! mount --bind "$job/rootfs$p" "$p"; then
        say "cannot make $p visible"
    fi
done < $job/keep-paths
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || say "cgroup2 not mounted"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
hostname kapsel-l1
ip link set lo up 2>/dev/null || true

release=$(uname -r)
moddir=/lib/modules/$release
load() {
    m=$1
    modprobe "$m" 2>/dev/null && return 0
    p=$(find "$moddir/kernel" -name "$m.ko" | head -n 1)
    [ -n "$p" ] && insmod "$p" 2>/dev/null
}
warnings=
for m in irqbypass kvm kvm-amd virtio_console; do
    load "$m" || warnings="$warnings $m"
done
for m in tun vhost vhost_net vsock vhost_vsock; do
    load "$m" || say "optional module $m did not load (ignored)"
done

# The repository disk at its host path.
repo_disk=$(cat $job/repo-disk)
repo_path=$(cat $job/repo-path)
mkdir -p "$repo_path"
mount -t ext4 "/dev/$repo_disk" "$repo_path" || die "cannot mount the repository disk at $repo_path"
# mkfs.ext4 adds lost+found; the repository has none.
rmdir "$repo_path/lost+found" 2>/dev/null || true

# The virtio ports, found by name.
port() {
    i=0
    while [ $i -lt 100 ]; do
        for p in /sys/class/virtio-ports/*; do
            [ -e "$p/name" ] || continue
            if [ "$(cat "$p/name")" = "$1" ] && [ -c "/dev/${p##*/}" ]; then
                echo "/dev/${p##*/}"
                return 0
            fi
        done
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
out=$(port kapsel.stdout) || die "virtio port kapsel.stdout missing"
err=$(port kapsel.stderr) || die "virtio port kapsel.stderr missing"
status_port=$(port kapsel.status) || die "virtio port kapsel.status missing"

if [ -n "$warnings" ]; then
    echo "kapsel-harness: warning: modules did not load:$warnings" > "$err"
fi
[ -c /dev/kvm ] || echo "kapsel-harness: warning: /dev/kvm is missing in L1" > "$err"

say "KAPSEL_HARNESS_READY uptime=$(cut -d' ' -f1 /proc/uptime)"
env -i /bin/sh "$job/cmd" < /dev/null > "$out" 2> "$err"
status=$?
say "command exited with status $status at uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "$status" > "$status_port"
sync
poweroff -f
sleep 60
