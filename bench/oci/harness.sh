#!/bin/sh
# bench/oci/run.sh inside the nested harness, where kapsel's default backend is the micro-VM: so
# `podman run --rm IMG true` compares a kapsel micro-VM per container with crun, both in L1 (podman,
# conmon and crun are in the harness image). Environment: RUNS (default 3: each VM boot is slow under TCG).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-3} HARNESS_ENV="${HARNESS_ENV:-} RUNS" exec "$repo/harness/run" sh "$repo/bench/oci/run.sh"
