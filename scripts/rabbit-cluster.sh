#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, for the cluster tests and bench (issue 18), beside the test broker
# (rabbit@localhost on 5672) and never joined to it. Nodes sw-c1, sw-c2, sw-c3 @localhost listen on 127.0.0.1:5701-5703
# (AMQP), 25701-25703 (Erlang distribution); sw-c1 also serves the management API on 127.0.0.1:15701. Each keeps its
# state under ${TMPDIR:-/tmp}/sagaworkflow-cluster/<node>. Run as root; the nodes run as the rabbitmq user, like the
# test broker, and share its Erlang cookie, so rabbitmqctl reaches them.
#   scripts/rabbit-cluster.sh start          # start (or reuse) the three nodes, joined into one cluster
#   scripts/rabbit-cluster.sh stop-node 2    # stop one node's application (as a crash of that broker would)
#   scripts/rabbit-cluster.sh start-node 2   # start it again; waits until it is back in the cluster
#   scripts/rabbit-cluster.sh stop           # stop all three and forget their state
set -euo pipefail
base="${TMPDIR:-/tmp}/sagaworkflow-cluster"
node_name() { echo "sw-c$1@localhost"; }
ctl() { local n=$1; shift; RABBITMQ_NODENAME=$(node_name "$n") rabbitmqctl -n "$(node_name "$n")" -q "$@"; }

node_env() {
  local n=$1 dir="$base/c$1"
  export RABBITMQ_NODENAME=$(node_name "$n") RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$((5700 + n))
  export RABBITMQ_DIST_PORT=$((25700 + n)) ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
}

start_node() {
  local n=$1 dir="$base/c$1"
  if ctl "$n" ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$dir/mnesia" "$dir/log"
  {
    echo "listeners.tcp.default = 127.0.0.1:$((5700 + n))"
    echo "loopback_users = none"
    if [ "$n" = 1 ]; then echo "management.tcp.ip = 127.0.0.1"; echo "management.tcp.port = 15701"; fi
  } > "$dir/rabbitmq.conf"
  : > "$dir/rabbitmq-env.conf"
  if [ "$n" = 1 ]; then echo "[rabbitmq_management]." > "$dir/enabled_plugins"; else echo "[]." > "$dir/enabled_plugins"; fi
  chown -R rabbitmq:rabbitmq "$dir"
  (node_env "$n"; setsid rabbitmq-server > "$dir/server.log" 2>&1 &)
  for _ in $(seq 1 120); do ctl "$n" ping >/dev/null 2>&1 && break; sleep 1; done
  ctl "$n" await_startup --timeout 180 >/dev/null || { tail -40 "$dir/server.log" >&2; return 1; }
}

case "${1:-}" in
  start)
    for n in 1 2 3; do start_node "$n"; done
    for n in 2 3; do
      if ! ctl 1 cluster_status 2>/dev/null | grep -q "$(node_name "$n")"; then
        ctl "$n" stop_app && ctl "$n" reset && ctl "$n" join_cluster "$(node_name 1)" && ctl "$n" start_app
      fi
    done
    ctl 1 await_startup --timeout 60 >/dev/null
    echo "cluster up: $(ctl 1 cluster_status --formatter json | python3 -c 'import json,sys; print(", ".join(json.load(sys.stdin)["running_nodes"]))')"
    ;;
  stop-node) ctl "$2" stop_app ;;
  start-node) ctl "$2" start_app && ctl "$2" await_startup --timeout 120 >/dev/null ;;
  stop)
    for n in 3 2 1; do ctl "$n" shutdown >/dev/null 2>&1 || true; done
    rm -rf "$base"
    ;;
  *) echo "usage: scripts/rabbit-cluster.sh start|stop|stop-node N|start-node N" >&2; exit 64 ;;
esac
