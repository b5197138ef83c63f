# kapsel guest init (the body of /init; BusyboxInitramfs puts the shebang and applet install before it).
#
# Loads the modules listed in /kapsel/modules in order, mounts /proc, /sys and /dev, then either
#  - runs /kapsel/script (or kapsel.init=PATH) when there is no kapsel.root=, and powers off after it, or
#  - mounts kapsel.root= and switch_roots into kapsel.init= (default /sbin/init).
# Kernel command line parameters:
#   kapsel.root=DEV        root block device, e.g. /dev/vda
#   kapsel.rw=1            mount the root read-write (default read-only)
#   kapsel.overlay=1       read-only root under an overlay whose upper layer is a tmpfs
#   kapsel.fstype=TYPE     root filesystem type (default ext4)
#   kapsel.init=PATH       program to run (default /sbin/init with a root, /kapsel/script without)
#   kapsel.rootwait=SECS   how long to wait for the root device (default 10)
# When it cannot continue it says why on the console and powers the VM off; it never lets the kernel panic.
export PATH=/bin

say() {
    echo "kapsel-init: $*"
}

fail() {
    say "error: $*"
    say "powering off"
    sync
    poweroff -f
    sleep 5
    exit 1
}

mount -t devtmpfs devtmpfs /dev || fail "cannot mount devtmpfs on /dev"
mount -t proc proc /proc || fail "cannot mount proc on /proc"
mount -t sysfs sysfs /sys || fail "cannot mount sysfs on /sys"

built_for="$(cat /kapsel/kernel-version)"
running="$(uname -r)"
[ "$built_for" = "$running" ] || fail "this initramfs holds modules for kernel $built_for but kernel $running is running"

root=
rw=0
overlay=0
fstype=ext4
init=
rootwait=10
set -f
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        kapsel.root=*) root="${arg#kapsel.root=}" ;;
        kapsel.rw=*) rw="${arg#kapsel.rw=}" ;;
        kapsel.overlay=*) overlay="${arg#kapsel.overlay=}" ;;
        kapsel.fstype=*) fstype="${arg#kapsel.fstype=}" ;;
        kapsel.init=*) init="${arg#kapsel.init=}" ;;
        kapsel.rootwait=*) rootwait="${arg#kapsel.rootwait=}" ;;
    esac
done
set +f
case "$rw" in 0|1) ;; *) fail "kapsel.rw must be 0 or 1, not '$rw'" ;; esac
case "$overlay" in 0|1) ;; *) fail "kapsel.overlay must be 0 or 1, not '$overlay'" ;; esac
case "$rootwait" in ''|*[!0-9]*) fail "kapsel.rootwait must be a whole number of seconds, not '$rootwait'" ;; esac
[ "$rootwait" -le 3600 ] || fail "kapsel.rootwait must be at most 3600 seconds, not $rootwait"

while read -r ko; do
    [ -n "$ko" ] || continue
    name="${ko##*/}"
    name="${name%.ko}"
    out="$(insmod "/$ko" 2>&1)" || fail "cannot load module $name (/$ko): $out"
done < /kapsel/modules

if [ -z "$root" ]; then
    program="${init:-/kapsel/script}"
    [ -e "$program" ] || fail "no kapsel.root= on the kernel command line and no $program in the initramfs to run"
    if [ "$program" = /kapsel/script ]; then
        sh /kapsel/script
    else
        "$program"
    fi
    status=$?
    say "$program exited with status $status"
    sync
    poweroff -f
    sleep 5
    exit 1
fi

if [ "$overlay" = 1 ] && [ "$rw" = 1 ]; then
    fail "kapsel.overlay=1 keeps the root read-only under a tmpfs; drop kapsel.rw=1"
fi
tries=0
while [ ! -b "$root" ]; do
    if [ "$tries" -ge $((rootwait * 10)) ]; then
        fail "root device $root not found after $rootwait s (block devices: $(ls /sys/class/block 2>/dev/null | tr '\n' ' '))"
    fi
    sleep 0.1
    tries=$((tries + 1))
done

mkdir -p /newroot
if [ "$overlay" = 1 ]; then
    grep -qw overlay /proc/filesystems || fail "kapsel.overlay=1 but this initramfs has no overlay support: build it with the overlay feature"
    mkdir -p /kapsel/lower /kapsel/rw
    mount -t "$fstype" -o ro "$root" /kapsel/lower || fail "cannot mount $root read-only as $fstype"
    mount -t tmpfs -o mode=0755 tmpfs /kapsel/rw || fail "cannot mount the tmpfs for the overlay's upper layer"
    mkdir -p /kapsel/rw/upper /kapsel/rw/work
    mount -t overlay -o lowerdir=/kapsel/lower,upperdir=/kapsel/rw/upper,workdir=/kapsel/rw/work overlay /newroot \
        || fail "cannot mount the overlay over $root"
else
    if [ "$rw" = 1 ]; then mode=rw; else mode=ro; fi
    mount -t "$fstype" -o "$mode" "$root" /newroot || fail "cannot mount $root ($fstype, $mode)"
fi

init="${init:-/sbin/init}"
[ -e "/newroot$init" ] || [ -L "/newroot$init" ] || fail "$init not found on $root"
for fs in dev proc sys; do
    if [ -d "/newroot/$fs" ]; then
        mount --move "/$fs" "/newroot/$fs" || fail "cannot move /$fs into the new root"
    else
        umount "/$fs"
    fi
done
say "switching to $root, running $init"
exec switch_root /newroot "$init"
