#!/bin/bash
# Restarts a lone server the way an operator would, for parley-bench's restart scenario:
#   tools/restart-alone.sh start          starts the server (port $PORT, pinned to cpu 0), returns once it listens
#   parley-bench ... --scenario restart --restart 'tools/restart-alone.sh restart'
#                                         SIGTERM, wait for the process to end, start it again
#   tools/restart-alone.sh stop
# The server runs with the load-test settings of docs/performance.md (no per-connection request limits) and the
# launcher's JVM options. It keeps its users across the restart in $STATE_FILE (--state-file), so that they
# resume; STATE_FILE= (empty) restarts it without, and its users start new sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/process.sh
PORT="${PORT:-9100}"
PIDFILE="${PIDFILE:-/tmp/parley-restart-alone.pid}"
LOG="${LOG:-/tmp/parley-restart-alone.log}"
STATE_FILE="${STATE_FILE-/tmp/parley-restart-alone.state.json}"

# The log of every server since the last start: the stopping server's lines stay above the new one's.
launch() {
    local started
    started=$(grep -c "listening" "$LOG" || true)
    setsid taskset -c 0 java ${PARLEY_SERVER_JAVA_OPTS:--Xmn32m} -jar server/target/parley-server.jar --port "$PORT" \
        --rate 0 --max-refused 0 ${STATE_FILE:+--state-file "$STATE_FILE"} >> "$LOG" 2>&1 < /dev/null &
    local pid=$!
    echo "$pid" > "$PIDFILE"
    until [ "$(grep -c "listening" "$LOG")" -gt "$started" ]; do
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
    start) rm -f "${STATE_FILE:-/nonexistent}"; : > "$LOG"; launch ;;
    stop) stop; rm -f "${STATE_FILE:-/nonexistent}" ;;
    restart) stop; launch ;;
    *) echo "usage: $0 start|restart|stop" >&2; exit 2 ;;
esac
