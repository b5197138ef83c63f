#!/bin/sh
# The OCI lifecycle by hand with a busybox bundle: create, state (created), start, state (running),
# kill, state (stopped), delete; asserts the runtime specification's state JSON at each step.
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
b="$work/bundle"; root="$work/state"; id="life$$"
rm -rf "$b" && mkdir -p "$b" && busybox_rootfs "$b/rootfs"
(cd "$b" && "$KAPSEL" spec)
python3 - "$b/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "echo container says hello; sleep 30"]
json.dump(c, open(sys.argv[1], "w"))
PY
check() { # check STATUS PID-RULE
    "$KAPSEL" --root "$root" state "$id" > "$work/state.json"
    python3 - "$work/state.json" "$1" "$2" "$b" "$id" "$(cat "$work/pid")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); status, rule, bundle, cid, pid = sys.argv[2:7]
assert s["ociVersion"].startswith("1."), s
assert s["id"] == cid and s["bundle"] == bundle and s["status"] == status, s
assert s["annotations"]["dev.kapsel.isolation"] == "sandbox", s
assert (s["pid"] == int(pid)) if rule == "pid" else (s["pid"] == 0), s
print("state: %-8s pid %-7s ok" % (s["status"], s["pid"]))
PY
}
"$KAPSEL" --root "$root" create --bundle "$b" --pid-file "$work/pid" "$id"
check created pid
"$KAPSEL" --root "$root" start "$id"
check running pid
"$KAPSEL" --root "$root" kill "$id" TERM
i=0; while kill -0 "$(cat "$work/pid")" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
check stopped zero
"$KAPSEL" --root "$root" delete "$id"
if "$KAPSEL" --root "$root" state "$id" 2>/dev/null; then echo "state after delete succeeded" >&2; exit 1; fi
echo "delete: ok (state now fails: container does not exist)"
