#!/usr/bin/env bash
# Two nodes on one Redis behind nginx, for parley-bench's restart scenario with a cluster:
#   tools/restart-cluster.sh start        Redis on 6392, nodes on 9101 and 9102 (pinned to cpu 0, with the
#                                         launcher's JVM options), nginx on 9100; returns once all are up
#   parley-bench --url ws://127.0.0.1:9100/chat --scenario restart --restart 'tools/restart-cluster.sh kill'
#                                         SIGKILL to node 1: its users resume on node 2
#   ... --restart 'tools/restart-cluster.sh restart'
#                                         SIGTERM to node 1 (it drains to node 2), then node 1 starts again
#   tools/restart-cluster.sh stop
# Needs redis-server and nginx (Debian: apt-get install -y redis-server nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER_STATE=/tmp/parley-restart-cluster
CLUSTER_NODE_PREFIX="taskset -c 0"
CLUSTER_JAVA_OPTS="${PARLEY_SERVER_JAVA_OPTS:--Xmn32m}"
source tools/lib/cluster.sh
redis_port=6392

start() {
  rm -rf "$CLUSTER_STATE"
  mkdir -p "$CLUSTER_STATE"
  cluster_redis $redis_port
  cluster_node 1 9101 $redis_port
  cluster_node 2 9102 $redis_port
  cluster_nginx 9100 9101 9102
}

stop() {
  # Stopped after a run: SIGTERM would have the nodes drain, waiting out the grace period for users long gone.
  for n in 1 2; do [[ -f "$CLUSTER_STATE/node$n.pid" ]] && cluster_node_stop $n KILL; done
  cluster_nginx_stop
  cluster_redis_stop $redis_port
}

case "${1:-}" in
  start) start ;;
  kill) cluster_node_stop 1 KILL ;;
  restart) cluster_node_stop 1 TERM; cluster_node 1 9101 $redis_port ;;
  stop) stop ;;
  *) echo "usage: $0 start|kill|restart|stop" >&2; exit 2 ;;
esac
