# A cluster on this machine for the tools: one Redis, Parley nodes on it, nginx in front. Source this file from
# the repository root with CLUSTER_STATE set to a folder for logs, pid files and nginx's configuration.
# Needs redis-server and nginx (Debian: apt-get install -y redis-server nginx-light).
#
#   CLUSTER_NODE_PREFIX   what a node's java command is run under, e.g. "taskset -c 0" (default: nothing)
#   CLUSTER_JAVA_OPTS     the nodes' JVM options (default: none)

source tools/lib/process.sh

cluster_redis() { # REDIS_PORT
  redis-server --port "$1" --save "" --appendonly no --daemonize yes --logfile "$CLUSTER_STATE/redis.log"
}

cluster_redis_stop() { # REDIS_PORT
  redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
}

# Starts node N on PORT with the load-test settings of docs/performance.md, returns once it is healthy, and leaves
# its pid in $CLUSTER_STATE/nodeN.pid.
cluster_node() { # N PORT REDIS_PORT
  local n=$1 port=$2 redis_port=$3
  # shellcheck disable=SC2086 # the prefix and the options are word lists
  setsid ${CLUSTER_NODE_PREFIX:-} java ${CLUSTER_JAVA_OPTS:-} -jar server/target/parley-server.jar --port "$port" \
    --redis "redis://127.0.0.1:$redis_port" --trusted-proxy 127.0.0.1 --rate 0 --max-refused 0 \
    >> "$CLUSTER_STATE/node$n.log" 2>&1 < /dev/null &
  local pid=$!
  disown "$pid" # stopped with a signal on purpose: no "Killed" from the shell for it
  echo "$pid" > "$CLUSTER_STATE/node$n.pid"
  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    process_running "$pid" || break
    sleep 0.05
  done
  echo "node $n did not become healthy:" >&2
  tail -20 "$CLUSTER_STATE/node$n.log" >&2
  return 1
}

cluster_node_pid() { # N
  cat "$CLUSTER_STATE/node$1.pid"
}

# Sends SIGNAL to node N and waits for the process to end.
cluster_node_stop() { # N SIGNAL
  local pid
  pid=$(cluster_node_pid "$1")
  kill "-$2" "$pid" 2>/dev/null || true
  while process_running "$pid"; do sleep 0.05; done
}

# nginx on FRONT_PORT, sending WebSocket connections to the nodes' ports in turn.
cluster_nginx() { # FRONT_PORT NODE_PORT...
  local front=$1
  shift
  local servers="" port
  for port in "$@"; do
    servers+="        server 127.0.0.1:$port max_fails=0;"$'\n'
  done
  # Each user is two sockets in nginx: two workers (reuseport shares the connections between them) stay under an
  # open-files limit of 20,000 with 10,000 users, where worker_rlimit_nofile may not raise it.
  cat > "$CLUSTER_STATE/nginx.conf" <<CONF
worker_processes 2;
worker_rlimit_nofile 65536;
pid $CLUSTER_STATE/nginx.pid;
error_log $CLUSTER_STATE/nginx-error.log;
events { worker_connections 30000; }
http {
    access_log off;
    upstream parley {
        # A node that drains stops accepting: a refused connect goes to the next node at once (proxy_next_upstream).
        # Marking it failed would help nothing, and nginx lets a failed WebSocket upstream back only one
        # connection per fail_timeout: max_fails=0.
$servers    }
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen $front reuseport;
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
  nginx -c "$CLUSTER_STATE/nginx.conf"
}

cluster_nginx_stop() {
  nginx -c "$CLUSTER_STATE/nginx.conf" -s stop 2>/dev/null || true
}
