#!/bin/sh
# kapsel harness, L1 stage 1 (the initramfs's /init, busybox sh): loads the virtio block driver,
# mounts the base root image and switches to it; stage 2 (/run/harness/stage2) does the rest.
# Any failure powers L1 off without writing an exit status: the host then reports a harness error.
export PATH=/bin
/bin/busybox --install -s /bin
fail() {
    echo "kapsel-harness: stage 1: $*"
    poweroff -f
    sleep 60
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "kapsel-harness: stage 1 up after $(cut -d' ' -f1 /proc/uptime) s"
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
    insmod "/modules/$m.ko" || fail "insmod $m failed"
done

# Find the disks by the serial numbers the host gave them.
base='' repo='' i=0
while [ $i -lt 100 ]; do
    for d in /sys/block/vd*; do
        [ -e "$d/serial" ] || continue
        case "$(cat "$d/serial")" in
            kapsel-base) base=${d##*/} ;;
            kapsel-repo) repo=${d##*/} ;;
        esac
    done
    [ -n "$base" ] && [ -n "$repo" ] && [ -b "/dev/$base" ] && [ -b "/dev/$repo" ] && break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$base" ] || [ -z "$repo" ]; then
    fail "disks not found (base='$base' repo='$repo')"
fi

mkdir -p /newroot
mount -t ext4 "/dev/$base" /newroot || fail "cannot mount the base image /dev/$base"
mount -t tmpfs -o mode=0755 tmpfs /newroot/run || fail "cannot mount /run"
cp -a /job /newroot/run/harness || fail "cannot copy the job"
echo "$repo" > /newroot/run/harness/repo-disk
umount /proc
umount /sys
mount --move /dev /newroot/dev || fail "cannot move /dev"
exec switch_root /newroot /bin/sh /run/harness/stage2
