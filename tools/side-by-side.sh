#!/usr/bin/env bash
# Runs Parley, Socket.IO 4 and a plain-ws chat through the same Node load generator in one sitting, each
# server pinned to cpu 0 and the generator to cpu 1. Needs ../shared/perf beside the repository, with
# `npm ci` run in it, and the server jar built (./mvnw -DskipTests package). Results: ../shared/perf/results.
# Usage: tools/side-by-side.sh [TAG]       (docs/performance.md shows one run and how to read it)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="$PWD/server/target/parley-server.jar"
PERF="$PWD/../shared/perf"
TAG="${1:-sbs}"
PORT=9000
ulimit -n 20000
cd "$PERF"

for server in socketio ws; do
    node bench.js --server $server --scenario s1 --clients 1000 --runs 1 --rates 40,60,80 --tag "$TAG-s1-$server"
    node bench.js --server $server --scenario s2 --clients 1000 --runs 1 --rates 5000,10000,15000,20000 --tag "$TAG-s2-$server"
    node bench.js --server $server --scenario s3 --clients 10000 --runs 1 --tag "$TAG-s3-$server"
done

for scenario in s1 s2 s3; do
    # Load tests need the per-connection request limits lifted (a sender here sends hundreds of messages a second).
    taskset -c 0 java -jar "$JAR" --port $PORT --rate 0 --max-refused 0 > "/tmp/parley-$TAG-$scenario.log" 2>&1 &
    pid=$!
    sleep 2
    case $scenario in
        s1) args=(--clients 1000 --rates 40,60,80) ;;
        s2) args=(--clients 1000 --rates 5000,10000,15000,20000) ;;
        s3) args=(--clients 10000) ;;
    esac
    node bench.js --server none --adapter parley --url ws://127.0.0.1:$PORT/chat --server-pid $pid \
        --scenario $scenario "${args[@]}" --runs 1 --tag "$TAG-$scenario-parley"
    kill $pid
    wait $pid 2>/dev/null || true
done
