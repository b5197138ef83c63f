#!/bin/sh
# kapsel driven by the real engines on this host: podman (conmon), containerd (ctr, runc v2 shim) and
# Docker (its own dockerd with kapsel registered in daemon.json, the runc v2 shim again).
# Prints PASS/FAIL per check. Needs podman, conmon, containerd; docker.io for the Docker checks
# (apt-get install podman containerd docker.io; the dockerd started here is private to the run).
set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1"; fail=$((fail+1)); }
ensure_image
P="podman --runtime $KAPSEL"

out=$($P run --rm "$IMAGE" sh -c 'echo hi; exit 7' 2>/dev/null); rc=$?
[ "$out" = hi ] && [ $rc -eq 7 ] && ok "podman run --rm: prints hi, exits 7" || bad "podman run --rm (out=$out rc=$rc)"

$P rm -f k-eng >/dev/null 2>&1
$P run -d --name k-eng "$IMAGE" sh -c 'echo up; sleep 60' >/dev/null 2>&1 && ok "podman run -d" || bad "podman run -d"
sleep 1
[ "$($P exec k-eng echo from-exec 2>/dev/null)" = from-exec ] && ok "podman exec" || bad "podman exec"
$P exec k-eng sh -c 'exit 4' >/dev/null 2>&1; [ $? -eq 4 ] && ok "podman exec exit status" || bad "podman exec exit status"
$P stop -t 5 k-eng >/dev/null 2>&1 && ok "podman stop" || bad "podman stop"
[ "$($P inspect -f '{{.State.ExitCode}}' k-eng 2>/dev/null)" = 143 ] && ok "stopped by SIGTERM: exit code 143" || bad "exit code after stop"
$P rm k-eng >/dev/null 2>&1 && ok "podman rm" || bad "podman rm"

out=$(timeout 60 script -qec "$P run -it --rm $IMAGE sh -c 'echo tty-ok; exit 5'" /dev/null 2>/dev/null); rc=$?
echo "$out" | grep -q tty-ok && [ $rc -eq 5 ] && ok "podman run -it (terminal over --console-socket)" || bad "podman run -it (rc=$rc)"

if command -v containerd >/dev/null && command -v ctr >/dev/null; then
    c="$work/containerd"; mkdir -p "$c"
    cat > "$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$c/containerd.sock"
TOML
    containerd --config "$c/config.toml" > "$c/containerd.log" 2>&1 &
    cpid=$!
    i=0; while [ ! -S "$c/containerd.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
    C="ctr -a $c/containerd.sock"
    podman save --format oci-archive -o "$work/image.tar" "$IMAGE" >/dev/null 2>&1
    $C image import --base-name "${IMAGE%:*}" "$work/image.tar" >/dev/null 2>&1
    out=$(timeout 60 $C run --rm --runc-binary "$KAPSEL" "$IMAGE" "k-ctr$$" echo hi 2>&1); rc=$?
    [ "$out" = hi ] && [ $rc -eq 0 ] && ok "ctr run --rm --runc-binary kapsel: prints hi" || bad "ctr run (out=$out rc=$rc)"
    out=$(timeout 60 $C run --rm --runc-binary "$KAPSEL" "$IMAGE" "k-ctr2$$" sh -c 'exit 3' 2>&1); rc=$?
    [ $rc -eq 3 ] && ok "ctr run exit status 3" || bad "ctr run exit status (rc=$rc)"
    kill "$cpid"; wait "$cpid" 2>/dev/null
fi
if command -v dockerd >/dev/null && command -v docker >/dev/null; then
    d="$work/docker"; rm -rf "$d"; mkdir -p "$d"
    # A private daemon: its own socket, data and exec roots; no iptables or bridge (no network needed).
    cat > "$d/daemon.json" <<JSON
{"runtimes": {"kapsel": {"path": "$KAPSEL"}}, "iptables": false, "bridge": "none",
 "data-root": "$d/data", "exec-root": "$d/exec", "pidfile": "$d/docker.pid",
 "hosts": ["unix://$d/docker.sock"], "exec-opts": ["native.cgroupdriver=cgroupfs"]}
JSON
    dockerd --config-file "$d/daemon.json" > "$d/dockerd.log" 2>&1 &
    dpid=$!
    D="docker -H unix://$d/docker.sock"
    i=0; until $D info >/dev/null 2>&1 || [ $i -ge 300 ]; do sleep 0.1; i=$((i+1)); done
    rm -rf "$d/rootfs" && busybox_rootfs "$d/rootfs" && tar -C "$d/rootfs" -cf "$d/rootfs.tar" .
    $D import -c 'CMD ["sh"]' "$d/rootfs.tar" kapsel-busybox:latest >/dev/null 2>&1
    DR="$D run --runtime kapsel --network none"
    out=$(timeout 120 $DR --rm kapsel-busybox sh -c 'echo hi; exit 7' 2>&1); rc=$?
    [ "$out" = hi ] && [ $rc -eq 7 ] && ok "docker run --runtime kapsel --rm: prints hi, exits 7" || bad "docker run --rm (out=$out rc=$rc)"
    cid=$($DR -d kapsel-busybox sh -c 'echo up; exec sleep 60' 2>/dev/null) && ok "docker run -d" || bad "docker run -d"
    sleep 1
    $D exec "$cid" sh -c 'exit 4' >/dev/null 2>&1; [ $? -eq 4 ] && ok "docker exec exit status" || bad "docker exec exit status"
    [ "$($D logs "$cid" 2>&1)" = up ] && ok "docker logs" || bad "docker logs"
    $D stop -t 5 "$cid" >/dev/null 2>&1 && [ "$($D inspect -f '{{.State.ExitCode}}' "$cid")" = 143 ] \
        && ok "docker stop: exit code 143" || bad "docker stop"
    $D rm "$cid" >/dev/null 2>&1 && ok "docker rm" || bad "docker rm"
    out=$(timeout 60 script -qec "$DR -it --rm kapsel-busybox sh -c 'test -t 0 && echo tty-ok; exit 5'" /dev/null 2>/dev/null); rc=$?
    echo "$out" | grep -q tty-ok && [ $rc -eq 5 ] && ok "docker run -it (terminal over --console-socket)" || bad "docker run -it (rc=$rc)"
    kill "$dpid"; wait "$dpid" 2>/dev/null
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
