# shellcheck shell=bash
# Builds and caches the harness's base root image: an ext4 file system for the L1 VM holding
# busybox, a few host programs with the glibc libraries they link, the JDK and the guest kernel
# cache, each at its host path. Source it after bin/lib/common.sh; it defines functions only.
#
#   harness_base_image JAVA_HOME KERNEL_DIR   prints the path of the cached image, building it
#                                             first when its key (inputs' hash) has changed

# Host programs copied into the image (with the libraries ldd lists), at their host paths.
# Changing this list changes the image key.
HARNESS_IMAGE_PROGRAMS=(
    bash
    mke2fs mkfs.ext2 mkfs.ext3 mkfs.ext4 e2fsck fsck.ext4 debugfs dumpe2fs tune2fs resize2fs
    cpio lz4 kmod
    qemu-system-x86_64
    podman conmon containerd containerd-shim-runc-v2 ctr crun
    nft
)
# Data directories copied as they are, for the programs above (QEMU's firmware: microvm's qboot, SeaBIOS).
# /usr/share/containers: podman's built-in containers.conf and seccomp.json.
HARNESS_IMAGE_DATA=(/usr/share/qemu /usr/share/seabios /usr/share/containers)

# Prints the directory a host path lives in once /bin, /lib... are resolved to /usr (merged /usr).
harness_real_dir() {
    readlink -f "$(dirname "$1")"
}

# Copies the ELF file $2 (host path) and every shared library ldd resolves for it into root $1,
# each at its host path with directories resolved; the file name itself is kept (soname).
harness_copy_elf() {
    local root="$1" file="$2" dir lib
    dir="$(harness_real_dir "$file")"
    mkdir -p "$root$dir"
    [[ -e "$root$dir/$(basename "$file")" ]] || cp -L "$file" "$root$dir/"
    while read -r lib; do
        [[ -n "$lib" ]] || continue
        dir="$(harness_real_dir "$lib")"
        [[ -e "$root$dir/$(basename "$lib")" ]] && continue
        mkdir -p "$root$dir"
        cp -L "$lib" "$root$dir/"
    done < <(ldd "$file" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
}

# Prints the key of the image for this JDK and kernel: a hash of everything that goes into it.
harness_image_key() {
    local java_home="$1" kernel_dir="$2"
    {
        echo "jdk $java_home"
        cat "$java_home/release"
        echo "kernel $kernel_dir"
        cat "$kernel_dir/package-version" 2>/dev/null || true
        echo "programs ${HARNESS_IMAGE_PROGRAMS[*]} data ${HARNESS_IMAGE_DATA[*]}"
        # every copied program as it is now (an upgrade changes its size or time), and the packages
        # behind the programs and data directories, so a host upgrade rebuilds the image
        local prog path
        for prog in "${HARNESS_IMAGE_PROGRAMS[@]}"; do
            path="$(command -v "$prog" 2>/dev/null)" && stat -L -c '%n %s %Y' "$path"
        done
        dpkg-query -W -f='${Package} ${Version}\n' busybox-static e2fsprogs libc6 podman conmon containerd crun nftables \
            qemu-system-x86 qemu-system-data seabios kmod lz4 cpio bash 2>/dev/null || true
        cat "${BASH_SOURCE[0]}"
    } | sha256sum | cut -c1-16
}

# Fills directory $1 with the root file system.
harness_stage_root() {
    local root="$1" java_home="$2" kernel_dir="$3" state="$4" release prog path applet f
    release="$(basename "$kernel_dir")"
    mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{etc,root,tmp,proc,sys,dev,run,mnt,var/tmp}
    chmod 1777 "$root/tmp" "$root/var/tmp"
    chmod 0700 "$root/root"
    ln -s usr/bin "$root/bin"
    ln -s usr/sbin "$root/sbin"
    ln -s usr/lib "$root/lib"
    ln -s usr/lib64 "$root/lib64"

    # Host programs and their libraries first, so busybox applets never shadow them.
    for prog in "${HARNESS_IMAGE_PROGRAMS[@]}"; do
        path="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "$prog" || true)"
        if [[ -z "$path" ]]; then
            kapsel_log "not on this host, left out of the image: $prog"
            continue
        fi
        harness_copy_elf "$root" "$path"
    done
    ln -sf kmod "$root/usr/bin/modinfo.kmod"
    for path in "${HARNESS_IMAGE_DATA[@]}"; do
        [[ -d "$path" ]] || continue
        mkdir -p "$root$(dirname "$path")"
        cp -a "$path" "$root$path"
    done

    cp /bin/busybox "$root/usr/bin/busybox"
    while read -r applet; do
        applet="/${applet#/}"
        path="$(harness_real_dir "$applet")/$(basename "$applet")"
        [[ -e "$root$path" || -L "$root$path" ]] && continue
        mkdir -p "$root$(dirname "$path")"
        ln -s /usr/bin/busybox "$root$path"
    done < <(/bin/busybox --list-full)

    # The JDK at its host path, with every library its executables and shared objects link.
    mkdir -p "$root$(dirname "$java_home")"
    cp -a "$java_home" "$root$java_home"
    while read -r f; do
        if head -c 4 "$f" 2>/dev/null | grep -q 'ELF'; then
            harness_copy_elf "$root" "$f"
        fi
    done < <(find "$java_home/bin" "$java_home/lib" -type f \( -perm -u+x -o -name '*.so' \))

    # The kernel cache at its host path, and its modules where modprobe looks for them.
    mkdir -p "$root$state/kernels"
    cp -a "$kernel_dir" "$root$state/kernels/"
    ln -s "$release" "$root$state/kernels/default"
    mkdir -p "$root/usr/lib/modules"
    ln -s "$state/kernels/$release/lib/modules/$release" "$root/usr/lib/modules/$release"

    cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat > "$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
    printf '127.0.0.1 localhost kapsel-l1\n::1 localhost\n' > "$root/etc/hosts"
    echo kapsel-l1 > "$root/etc/hostname"
    printf 'passwd: files\ngroup: files\nhosts: files\n' > "$root/etc/nsswitch.conf"
    : > "$root/etc/fstab"
    harness_engine_config "$root"
    ln -s /proc/self/mounts "$root/etc/mtab"
}

# The engines' configuration in L1 (podman with conmon, containerd with ctr), as peers.md found them
# working on this kind of machine: cgroupfs (no systemd), file events, vfs storage on L1's root (the
# root is itself an overlay, so overlay-on-overlay is avoided), no registries, any image accepted.
harness_engine_config() {
    local root="$1"
    mkdir -p "$root/etc/containers" "$root/var/lib/containers" "$root/etc/cni/net.d" "$root/var/lib/containerd" \
        "$root/etc/containerd"
    ln -s ../run "$root/var/run"
    echo '{"default": [{"type": "insecureAcceptAnything"}]}' > "$root/etc/containers/policy.json"
    echo 'unqualified-search-registries = []' > "$root/etc/containers/registries.conf"
    printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
        > "$root/etc/containers/storage.conf"
    printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$root/etc/containers/containers.conf"
    printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' > "$root/etc/containerd/config.toml"
}

harness_base_image() {
    local java_home="$1" kernel_dir="$2" state key dir image stage used size start
    state="$(kapsel_state_dir)"
    key="$(harness_image_key "$java_home" "$kernel_dir")"
    dir="$state/harness"
    image="$dir/base-$key.img"
    mkdir -p "$dir"
    if [[ -f "$image" ]]; then
        printf '%s\n' "$image"
        return 0
    fi
    # One builder at a time; others wait and then find the image.
    exec {lockfd}> "$dir/.build.lock"
    flock "$lockfd"
    if [[ ! -f "$image" ]]; then
        start=$SECONDS
        kapsel_log "building the L1 root image (once per JDK/kernel/harness version) ..."
        stage="$(mktemp -d "$dir/stage.XXXXXX")"
        harness_stage_root "$stage" "$java_home" "$kernel_dir" "$state"
        used="$(du -sm "$stage" | cut -f1)"
        size=$((used + used / 4 + 1024))
        kapsel_log "writing ${used} MiB into a ${size} MiB ext4 image"
        truncate -s "${size}M" "$image.partial"
        mkfs.ext4 -q -F -L kapsel-l1 -d "$stage" "$image.partial" >&2
        rm -rf "$stage"
        mv "$image.partial" "$image"
        # Keep the newest few: worktrees with other harness versions share this cache.
        find "$dir" -maxdepth 1 -name 'base-*.img' -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -f
        kapsel_log "root image ready in $((SECONDS - start)) s: $image"
    fi
    flock -u "$lockfd"
    exec {lockfd}>&-
    printf '%s\n' "$image"
}
