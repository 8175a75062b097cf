#!/usr/bin/env bash
# The full-smoke pass: every notebook's `profile: "full"` path, executed against loopback servers of
# stand-in hub models and stand-in dataset archives in the real formats, from an empty data root (so
# `fetch` really downloads) and an empty cache (so every hub model is really downloaded), with the tiny
# sizes of ci/full-smoke.yaml. Checks the "full-smoke" expectations: every promised metric exists, finite.
# usage: bash ci/full-smoke.sh [notebooks…]   (after `npm run build`)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
W=$(mktemp -d -t embedlab-full-smoke.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

wait_for() { # file, what
  for _ in $(seq 1 600); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  echo "full-smoke: $2 did not start (no $1)" >&2
  exit 1
}

echo "== full-smoke: loopback stand-in hub and data server (in $W)"
node ci/dist/standin/serve-hub.js --dir "$W/hub" --endpoint-file "$W/hub.env" &
pids+=($!)
node ci/dist/standin/serve-data.js --dir "$W/data-server" --write-env "$W/data.env" &
pids+=($!)
wait_for "$W/hub.env" "the stand-in hub"
wait_for "$W/data.env" "the stand-in data server"
set -a
# shellcheck disable=SC1091
. "$W/hub.env"
# shellcheck disable=SC1091
. "$W/data.env"
set +a
export EMBEDLAB_DATA_DIR="$W/data" EMBEDLAB_CACHE_DIR="$W/cache"
unset EMBEDLAB_OFFLINE
mkdir -p "$EMBEDLAB_DATA_DIR" "$EMBEDLAB_CACHE_DIR"
echo "HF_ENDPOINT=$HF_ENDPOINT EMBEDLAB_DATA_REGISTRY=$EMBEDLAB_DATA_REGISTRY EMBEDLAB_DATA_DIR=$EMBEDLAB_DATA_DIR"

echo "== full-smoke: npm run data -- fetch --profile full ($(( $(date +%s) - start ))s)"
node lib/dist/data/cli.js fetch --profile full

echo "== full-smoke: notebooks with profile=full and ci/full-smoke.yaml ($(( $(date +%s) - start ))s)"
node ci/dist/run.js "$@" --params ci/full-smoke.yaml --expect full-smoke --timeout 600 --out "$W/outputs"
echo "== full-smoke finished in $(( $(date +%s) - start ))s"
