#!/usr/bin/env bash
# A rolling restart of a 3-node cluster behind nginx while 300 users keep chatting: each node in turn gets
# SIGTERM (it drains: its clients close with 1012 and resume on the other nodes), exits, and starts again; the
# next one follows once it is healthy. The users (parley.bench.RollingRestart, in the bench jar) then report
# messages lost, messages seen twice, leaves seen by the others, and how long users took to be back in their
# rooms. Needs redis-server and nginx (Debian: apt-get install -y redis-server nginx-light).
#
#   tools/rolling-restart.sh [USERS] [ROOMS] [MESSAGES_PER_SECOND]     defaults: 300 10 50
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-300}; rooms=${2:-10}; rate=${3:-50}
state=$(mktemp -d /tmp/parley-rolling.XXXXXX)
redis_port=6391
[[ -f server/target/parley-server.jar && -f bench/target/parley-bench.jar ]] || ./mvnw -q -B -DskipTests package

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  nginx -c "$state/nginx.conf" -s stop 2>/dev/null || true
  redis-cli -p $redis_port shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

redis-server --port $redis_port --save "" --appendonly no --daemonize yes --logfile "$state/redis.log"

start_node() {
  local n=$1
  java -jar server/target/parley-server.jar --port $((8060 + n)) --redis redis://127.0.0.1:$redis_port \
    --trusted-proxy 127.0.0.1 --rate 0 --max-refused 0 >> "$state/node$n.log" 2>&1 &
  node_pid[$n]=$!
  pids+=($!)
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$((8060 + n))/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node $n did not become healthy" >&2; exit 1
}

declare -A node_pid
for n in 1 2 3; do start_node $n; done

cat > "$state/nginx.conf" <<CONF
worker_processes 1;
pid $state/nginx.pid;
error_log $state/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    upstream parley {
        # A node that drains stops accepting: a refused connect goes to the next node at once (proxy_next_upstream).
        # Marking it failed would help nothing, and nginx lets a failed WebSocket upstream back only one
        # connection per fail_timeout: max_fails=0.
        server 127.0.0.1:8061 max_fails=0;
        server 127.0.0.1:8062 max_fails=0;
        server 127.0.0.1:8063 max_fails=0;
    }
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen 8060;
        location / {
            proxy_pass http://parley;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }
    }
}
CONF
nginx -c "$state/nginx.conf"

seconds=60
java -cp bench/target/parley-bench.jar parley.bench.RollingRestart ws://127.0.0.1:8060/chat "$users" "$rooms" "$seconds" "$rate" &
users_pid=$!
sleep 12
for n in 1 2 3; do
  started=$(date +%s.%N)
  kill -TERM "${node_pid[$n]}"
  wait "${node_pid[$n]}" 2>/dev/null || true
  printf 'node %d drained and stopped in %.1f s\n' "$n" "$(echo "$(date +%s.%N) - $started" | bc)"
  start_node $n
  sleep 8
done
wait $users_pid
echo "(logs in $state)"
