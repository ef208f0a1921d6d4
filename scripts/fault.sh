#!/usr/bin/env bash
# Stops or starts one of the services scripts/test.sh runs, as an operator or a crash would: the fault tests and
# bench/chaos.sh use it. Stopping waits until the service is down; starting waits until it answers again.
#
#   scripts/fault.sh stop rabbitmq|mysql|postgres
#   scripts/fault.sh start rabbitmq|mysql|postgres
set -euo pipefail
cd "$(dirname "$0")/.."
state_dir="${TMPDIR:-/tmp}/sagaworkflow-test"
pg_port=5432
source scripts/services-env.sh

usage() { echo "usage: scripts/fault.sh stop|start rabbitmq|mysql|postgres" >&2; exit 64; }
[ $# -eq 2 ] || usage
action="$1" service="$2"
pg_version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"

wait_for() { local what="$1"; shift; for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "$what: gave up after 60 s" >&2; return 1; }
mariadb_down() { ! mariadb_admin -s ping; }

case "$action/$service" in
  # stop_app keeps the Erlang node (and its management listener's config) and closes every client connection,
  # as a broker restart or an upgrade does; durable queues and persistent messages survive it.
  stop/rabbitmq) rabbitmqctl -q stop_app ;;
  start/rabbitmq) rabbitmqctl -q start_app && rabbitmqctl -q await_startup --timeout 60 ;;
  stop/postgres) pg_ctlcluster "$pg_version" main stop -m fast ;;
  start/postgres) pg_ctlcluster "$pg_version" main start && wait_for "PostgreSQL" pg_isready -q -h 127.0.0.1 -p "$pg_port" ;;
  stop/mysql)
    mariadb_admin shutdown
    wait_for "MariaDB shutdown" mariadb_down ;;
  start/mysql)
    # The options scripts/test.sh wrote when it first started the server, when it did.
    defaults=()
    [ -f "$state_dir/mariadb.cnf" ] && defaults=(--defaults-extra-file="$state_dir/mariadb.cnf")
    (setsid "$(first_command mariadbd-safe mysqld_safe)" "${defaults[@]}" --bind-address=127.0.0.1 --port=3306 \
      >> "$state_dir/mariadb.log" 2>&1 < /dev/null &)
    wait_for "MariaDB" mariadb_admin -s ping ;;
  *) usage ;;
esac
