#!/usr/bin/env bash
# Runs Parley, Socket.IO 4 and a plain-ws chat through the same Node load generator in one sitting: ROUNDS
# rounds, each configuration once per round (interleaved, so that a burst of background load hits different
# servers rather than all runs of one), every server fresh for every run and pinned to cpu 0, the generator
# to cpu 1. S1 and S2 search for the highest rate that holds (doubling, then bisecting). Needs ../shared/perf
# beside the repository, with `npm ci` run in it, and the server jar built (./mvnw -DskipTests package).
# Usage: tools/side-by-side.sh [ROUNDS=3] [TAG=sbs]
# Raw results: ../shared/perf/results/runs.jsonl; the medians table: /tmp/parley-TAG/tables.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PERF="$PWD/../shared/perf"
PARLEY="$PWD/parley"   # Parley runs as its launcher starts it, with the launcher's JVM options
ROUNDS="${1:-3}"
TAG="${2:-sbs}"
PORT=9000
OUT="/tmp/parley-$TAG"
mkdir -p "$OUT"
ulimit -n 20000
cd "$PERF"

args_of() {
    case $1 in
        s1|s2) echo "--clients 1000" ;;
        s3) echo "--clients 10000" ;;
    esac
}

reference() {   # reference SERVER SCENARIO
    echo "=== $2 $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 1500 node bench.js --server "$1" --scenario "$2" $(args_of "$2") --runs 1 --tag "$TAG-$2-$1" || true
}

parley() {      # parley SCENARIO
    echo "=== $1 parley $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    # Load tests need the per-connection request limits lifted (a sender here sends hundreds of messages a second).
    taskset -c 0 "$PARLEY" server --port $PORT --rate 0 --max-refused 0 > "$OUT/parley-$1.log" 2>&1 &
    local pid=$!
    until grep -q "listening" "$OUT/parley-$1.log" 2>/dev/null; do sleep 0.2; done
    timeout 1500 node bench.js --server none --adapter parley --url ws://127.0.0.1:$PORT/chat --server-pid $pid \
        --scenario "$1" $(args_of "$1") --runs 1 --tag "$TAG-$1-parley" || true
    kill $pid
    wait $pid 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
    for scenario in s1 s2 s3; do
        reference socketio $scenario
        reference ws $scenario
        parley $scenario
    done
done

grep "\"tag\":\"$TAG-" results/runs.jsonl > "$OUT/runs.jsonl"
node summarize.js "$OUT/runs.jsonl" > "$OUT/tables.md"
echo "done; medians in $OUT/tables.md"
