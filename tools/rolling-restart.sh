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
CLUSTER_STATE=$(mktemp -d /tmp/parley-rolling.XXXXXX)
source tools/lib/cluster.sh
redis_port=6391
[[ -f server/target/parley-server.jar && -f bench/target/parley-bench.jar ]] || ./mvnw -q -B -DskipTests package

cleanup() {
  # The users are gone: a node sent SIGTERM now would drain, waiting out the grace period for nobody.
  for n in 1 2 3; do [[ -f "$CLUSTER_STATE/node$n.pid" ]] && cluster_node_stop $n KILL; done
  cluster_nginx_stop
  cluster_redis_stop $redis_port
}
trap cleanup EXIT

cluster_redis $redis_port
for n in 1 2 3; do cluster_node $n $((8060 + n)) $redis_port; done
cluster_nginx 8060 8061 8062 8063

seconds=60
java -cp bench/target/parley-bench.jar parley.bench.RollingRestart ws://127.0.0.1:8060/chat "$users" "$rooms" "$seconds" "$rate" &
users_pid=$!
sleep 12
for n in 1 2 3; do
  started=$(date +%s.%N)
  cluster_node_stop $n TERM
  printf 'node %d drained and stopped in %.1f s\n' "$n" "$(echo "$(date +%s.%N) - $started" | bc)"
  cluster_node $n $((8060 + n)) $redis_port
  sleep 8
done
wait $users_pid
echo "(logs in $CLUSTER_STATE)"
