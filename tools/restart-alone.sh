#!/bin/bash
# Restarts a lone server the way an operator would, for parley-bench's restart scenario:
#   tools/restart-alone.sh start          starts the server (port $PORT, pinned to cpu 0), returns once it listens
#   parley-bench ... --scenario restart --restart 'tools/restart-alone.sh restart'
#                                         SIGTERM, wait for the process to end, start it again
#   tools/restart-alone.sh stop
# The server runs with the load-test settings of docs/performance.md (no per-connection request limits) and the
# launcher's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/process.sh
PORT="${PORT:-9100}"
PIDFILE="${PIDFILE:-/tmp/parley-restart-alone.pid}"
LOG="${LOG:-/tmp/parley-restart-alone.log}"

start() {
    : > "$LOG"
    setsid taskset -c 0 java ${PARLEY_SERVER_JAVA_OPTS:--Xmn32m} -jar server/target/parley-server.jar --port "$PORT" \
        --rate 0 --max-refused 0 > "$LOG" 2>&1 < /dev/null &
    local pid=$!
    echo "$pid" > "$PIDFILE"
    until grep -q "listening" "$LOG"; do
        if ! process_running "$pid"; then
            echo "restart-alone: the server did not start:" >&2
            cat "$LOG" >&2
            exit 1
        fi
        sleep 0.05
    done
}

stop() {
    local pid
    pid=$(cat "$PIDFILE")
    kill -TERM "$pid" 2>/dev/null || true
    while process_running "$pid"; do sleep 0.05; done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "usage: $0 start|restart|stop" >&2; exit 2 ;;
esac
