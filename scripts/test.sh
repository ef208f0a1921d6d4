#!/usr/bin/env bash
# Runs every test. Installs RabbitMQ, MariaDB (MySQL) and PostgreSQL from Debian packages when missing, starts them on
# 127.0.0.1, gives this run its own vhost, users and databases, runs the tests, then removes what it created and stops
# what it started. Re-runnable, and safe after a killed run (leftovers named sagaworkflow-test-* / sagaworkflow_test_*
# are removed first). Integration tests read SAGAWORKFLOW_TEST_RABBITMQ, SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT,
# SAGAWORKFLOW_TEST_POSTGRES and SAGAWORKFLOW_TEST_MYSQL.
#
#   scripts/test.sh                      everything
#   scripts/test.sh --no-services        build and test only; integration tests skip themselves
#   scripts/test.sh --services-only      start services, create a vhost and databases, print their env, leave them running
#   scripts/test.sh --cluster            also a three-node RabbitMQ cluster (scripts/rabbit-cluster.sh) for the tests in
#                                        Integration/Cluster, which skip themselves without it
#   scripts/test.sh --filter Workflows   extra arguments go to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")/.."

no_services=${SAGAWORKFLOW_NO_SERVICES:-0}
services_only=0
with_cluster=0
test_args=()
for arg in "$@"; do
  case "$arg" in
    --no-services) no_services=1 ;;
    --services-only) services_only=1 ;;
    --cluster) with_cluster=1 ;;
    *) test_args+=("$arg") ;;
  esac
done

run_id="$(date +%s)$RANDOM"
vhost="sagaworkflow-test-$run_id"
db_user="sagaworkflow_test_$run_id"
db_name="sagaworkflow_test_$run_id"
secret="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
state_dir="${TMPDIR:-/tmp}/sagaworkflow-test"
mkdir -p "$state_dir"
started_rabbit=0
started_cluster=0
started_postgres=0
started_mariadb=0
pg_version=""
pg_port=5432
mysql_port=3306

# The services' environment and admin helpers, shared with scripts/fault.sh (which stops and starts them for fault tests).
source scripts/services-env.sh

phase_start=$SECONDS
phase() { echo "== $1 ($((SECONDS - phase_start)) s since start)"; }

install_packages() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
  if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1 \
    && [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then
    missing+=(mariadb-server mariadb-client)
  elif ! command -v mariadb >/dev/null 2>&1 && ! command -v mysql >/dev/null 2>&1; then
    missing+=(mariadb-client)
  fi
  # The dashboard's browser tests drive the system Chromium (Playwright cannot download its own browser here).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # promtool checks deploy/prometheus/alerts.yml (When_reading_the_prometheus_alert_rules); the server is not run.
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  [ ${#missing[@]} -eq 0 ] && return 0
  phase "installing ${missing[*]} from Debian packages"
  # Package scripts try to start services through init; we start them ourselves, bound to loopback.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' RETURN
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_rabbitmq() {
  printf 'listeners.tcp.default = 127.0.0.1:5672\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = 15672\n' > "$RABBITMQ_CONFIG_FILE.conf"
  : > "$RABBITMQ_CONF_ENV_FILE"
  chmod 644 "$RABBITMQ_CONFIG_FILE.conf" "$RABBITMQ_CONF_ENV_FILE"
  chmod 755 "$state_dir"
  if rabbitmqctl -q status >/dev/null 2>&1; then
    echo "RabbitMQ already running: reusing it"
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null
    return 0
  fi
  phase "starting RabbitMQ on 127.0.0.1"
  rabbitmq-plugins -q enable --offline rabbitmq_management >/dev/null
  (setsid rabbitmq-server > "$state_dir/rabbitmq.log" 2>&1 &)
  started_rabbit=1
  # await_startup needs a node that is already reachable; until the VM registers with epmd, poll for it.
  for _ in $(seq 1 120); do rabbitmqctl -q ping >/dev/null 2>&1 && break; sleep 1; done
  rabbitmqctl -q await_startup --timeout 180 >/dev/null || { tail -40 "$state_dir/rabbitmq.log"; return 1; }
}

start_postgres() {
  pg_version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_version main"; then
    phase "creating PostgreSQL $pg_version cluster"
    pg_createcluster "$pg_version" main >/dev/null
  fi
  pg_port="$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $3}')"
  if pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    echo "PostgreSQL $pg_version already running on port $pg_port: reusing it"
  else
    phase "starting PostgreSQL $pg_version on 127.0.0.1:$pg_port"
    mkdir -p "/etc/postgresql/$pg_version/main/conf.d"
    echo "listen_addresses = '127.0.0.1'" > "/etc/postgresql/$pg_version/main/conf.d/sagaworkflow-test.conf"
    rm -f "/var/lib/postgresql/$pg_version/main/postmaster.pid" 2>/dev/null || true
    pg_ctlcluster "$pg_version" main start
    started_postgres=1
  fi
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && return 0; sleep 1; done
  echo "PostgreSQL did not become ready" >&2
  return 1
}

start_mariadb() {
  if mariadb_admin -s ping >/dev/null 2>&1; then
    echo "MariaDB already running: reusing it"
    # Until its next restart, allow the connections the tests need (a distribution default is 151).
    mysql_admin 'SET GLOBAL max_connections = GREATEST(@@max_connections, 500)' || true
  else
    # Test settings: many processes, each with a connection pool, connect at once. Durability stays at the server's
    # default (a commit is flushed to disk), as PostgreSQL's does, so benchmarks on these services compare like with
    # like. Read after the distribution's files, so these win; logging goes to our file instead of syslog (Debian's
    # default, absent in containers).
    cat > "$state_dir/mariadb.cnf" <<EOF
[mysqld]
bind-address = 127.0.0.1
port = 3306
max_connections = 500
character-set-server = utf8mb4
[mysqld_safe]
skip_syslog
log_error = $state_dir/mariadb.log
EOF
    chmod 644 "$state_dir/mariadb.cnf"
    chmod 755 "$state_dir"
    : > "$state_dir/mariadb.log"
    chown mysql:mysql "$state_dir/mariadb.log"
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      phase "initialising the MariaDB data directory"
      mkdir -p /var/lib/mysql
      chown mysql:mysql /var/lib/mysql
      # --skip-test-db also skips the anonymous ''@localhost accounts, which would shadow tests' 'user'@'%' accounts.
      "$(first_command mariadb-install-db mysql_install_db)" --user=mysql --datadir=/var/lib/mysql --skip-test-db \
        >> "$state_dir/mariadb.log" 2>&1 || { tail -40 "$state_dir/mariadb.log"; return 1; }
    fi
    phase "starting MariaDB on 127.0.0.1:3306"
    # The defaults file must be mysqld_safe's first argument; it passes it on to the server.
    (setsid "$(first_command mariadbd-safe mysqld_safe)" --defaults-extra-file="$state_dir/mariadb.cnf" \
      --bind-address=127.0.0.1 --port=3306 >> "$state_dir/mariadb.log" 2>&1 < /dev/null &)
    started_mariadb=1
    local ready=0
    for _ in $(seq 1 60); do mariadb_admin -s ping >/dev/null 2>&1 && { ready=1; break; }; sleep 1; done
    if [ "$ready" != 1 ]; then
      tail -40 "$state_dir/mariadb.log"
      echo "MariaDB did not answer within 60 s" >&2
      return 1
    fi
  fi
  # A server that was already running may listen elsewhere; use the port it reports.
  mysql_port="$(mysql_admin 'SELECT @@port')"
  if [ "$(mysql_admin 'SELECT @@skip_networking')" = 1 ]; then
    echo "MariaDB runs with skip-networking: tests need TCP on 127.0.0.1" >&2
    return 1
  fi
}

remove_leftovers() {
  # Names carry the test prefix, so anything matching belongs to an earlier (possibly killed) run of this script.
  for v in $(rabbitmqctl -q list_vhosts name 2>/dev/null | grep '^sagaworkflow-test-' || true); do rabbitmqctl -q delete_vhost "$v" >/dev/null || true; done
  for u in $(rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep '^sagaworkflow_test_' || true); do rabbitmqctl -q delete_user "$u" >/dev/null || true; done
  for d in $(psql_admin -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'sagaworkflow\_test\_%'" 2>/dev/null || true); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" || true
  done
  for r in $(psql_admin -At -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'sagaworkflow\_test\_%'" 2>/dev/null || true); do
    psql_admin -c "DROP ROLE IF EXISTS \"$r\"" || true
  done
  # MariaDB: end the sessions of test users first (as WITH (FORCE) does), so DROP DATABASE waits for no lock.
  for id in $(mysql_admin "SELECT id FROM information_schema.processlist WHERE user LIKE 'sagaworkflow\_test\_%'" 2>/dev/null || true); do
    mysql_admin "KILL CONNECTION $id" 2>/dev/null || true
  done
  for d in $(mysql_admin "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'sagaworkflow\_test\_%'" 2>/dev/null || true); do
    mysql_admin "DROP DATABASE IF EXISTS \`$d\`" || true
  done
  while IFS=$'\t' read -r u h; do
    if [ -n "$u" ]; then mysql_admin "DROP USER IF EXISTS '$u'@'$h'" || true; fi
  done < <(mysql_admin "SELECT user, host FROM mysql.user WHERE user LIKE 'sagaworkflow\_test\_%'" 2>/dev/null || true)
}

create_run_resources() {
  phase "creating vhost $vhost and database $db_name"
  rabbitmqctl -q add_vhost "$vhost" >/dev/null
  rabbitmqctl -q add_user "$db_user" "$secret" >/dev/null
  rabbitmqctl -q set_user_tags "$db_user" administrator >/dev/null
  rabbitmqctl -q set_permissions -p "$vhost" "$db_user" '.*' '.*' '.*' >/dev/null
  psql_admin -c "CREATE ROLE \"$db_user\" LOGIN CREATEDB PASSWORD '$secret'"
  # Tests drop their databases WITH (FORCE); PostgreSQL refuses that to a plain role while an autovacuum worker happens
  # to be in the database, unless the role may signal backends.
  psql_admin -c "GRANT pg_signal_backend TO \"$db_user\""
  psql_admin -c "CREATE DATABASE \"$db_name\" OWNER \"$db_user\""
  # Tests create and drop their own databases and users (<db_name>_<suffix>, <db_user>_<suffix>: user names stay far
  # below MariaDB's 80 characters), lock those users and kill their sessions, hence all privileges with grant option.
  # Both hosts: a TCP connection from 127.0.0.1 is identified as localhost unless the server skips name resolution.
  mysql_admin "CREATE DATABASE \`$db_name\`"
  for h in 127.0.0.1 localhost; do
    mysql_admin "CREATE USER '$db_user'@'$h' IDENTIFIED BY '$secret'"
    mysql_admin "GRANT ALL PRIVILEGES ON *.* TO '$db_user'@'$h' WITH GRANT OPTION"
  done
  export SAGAWORKFLOW_TEST_RABBITMQ="amqp://$db_user:$secret@127.0.0.1:5672/$vhost"
  export SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT="http://$db_user:$secret@127.0.0.1:15672"
  export SAGAWORKFLOW_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$db_user;Password=$secret;Database=$db_name"
  export SAGAWORKFLOW_TEST_MYSQL="Server=127.0.0.1;Port=$mysql_port;User ID=$db_user;Password=$secret;Database=$db_name"
}

cleanup() {
  local code=$?
  if [ "$no_services" != 1 ]; then
    phase "cleaning up"
    remove_leftovers
    if [ "$started_cluster" = 1 ]; then scripts/rabbit-cluster.sh stop >/dev/null 2>&1 || true; fi
    if [ "$started_rabbit" = 1 ]; then rabbitmqctl -q shutdown >/dev/null 2>&1 || rabbitmqctl -q stop >/dev/null 2>&1 || true; fi
    if [ "$started_postgres" = 1 ]; then pg_ctlcluster "$pg_version" main stop || true; fi
    if [ "$started_mariadb" = 1 ]; then mariadb_admin shutdown >/dev/null 2>&1 || true; fi
  fi
  echo "== done in $((SECONDS - phase_start)) s, exit code $code"
  exit $code
}

echo "dotnet $(dotnet --version)"
if [ "$no_services" != 1 ]; then
  trap cleanup EXIT
  install_packages
  start_rabbitmq
  start_postgres
  start_mariadb
  echo "RabbitMQ $(rabbitmqctl -q version 2>/dev/null), $(as_postgres psql -X -At -p "$pg_port" -c 'SHOW server_version' 2>/dev/null | sed 's/^/PostgreSQL /'), $(mysql_admin 'SELECT VERSION()' 2>/dev/null | sed 's/^/MariaDB /')"
  # A full run owns the services and clears what earlier (possibly killed) runs left. --services-only does not: it is
  # used beside other runs on the same services (development, benchmarks), whose vhosts and databases must survive.
  if [ "$services_only" != 1 ]; then remove_leftovers; fi
  create_run_resources
  if [ "$with_cluster" = 1 ]; then
    # --cluster: three more broker nodes joined into one cluster, for the tests in Integration/Cluster (issue 18).
    phase "starting the three-node RabbitMQ cluster"
    rabbitmqctl -n sw-c1@localhost -q ping >/dev/null 2>&1 || started_cluster=1
    scripts/rabbit-cluster.sh start
    export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER="amqp://guest:guest@127.0.0.1:5701/sagaworkflow-cluster-$run_id"
    export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_MANAGEMENT="http://guest:guest@127.0.0.1:15701"
    export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_NODES="127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703"
  fi
  if [ "$services_only" = 1 ]; then
    # For development and benchmarks: leave everything running and print the environment to use it.
    trap - EXIT
    echo "export SAGAWORKFLOW_TEST_RABBITMQ='$SAGAWORKFLOW_TEST_RABBITMQ'"
    echo "export SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT='$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT'"
    echo "export SAGAWORKFLOW_TEST_POSTGRES='$SAGAWORKFLOW_TEST_POSTGRES'"
    echo "export SAGAWORKFLOW_TEST_MYSQL='$SAGAWORKFLOW_TEST_MYSQL'"
    if [ "$with_cluster" = 1 ]; then
      echo "export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER='$SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER'"
      echo "export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_MANAGEMENT='$SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_MANAGEMENT'"
      echo "export SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_NODES='$SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_NODES'"
    fi
    exit 0
  fi
else
  trap cleanup EXIT
  echo "--no-services: integration tests will skip themselves"
fi

phase "building"
dotnet build SagaWorkflow.sln -c Release -warnaserror -nologo -v q
if [ "$no_services" != 1 ]; then
  # The integration tests start about 250 orchestrator and executor processes, and on 2 cores the suite is CPU-bound:
  # compiled ReadyToRun (and run without tiering up, tests/.../ServiceProcess.cs) the processes use 25-40 % less CPU,
  # most of it saved JIT work (docs/testing.md). Publishing costs about two CPU-minutes on a fresh clone; the tests fall
  # back to the build output when it fails (e.g. the runtime packs it needs cannot be downloaded).
  phase "publishing the orchestrator and executor programs ReadyToRun for the integration tests"
  programs="$PWD/tests/SagaWorkflow.Tests/bin/Release/programs"
  rid="$(dotnet --info | awk '$1 == "RID:" && !found {print $2; found = 1}')"
  if dotnet publish src/Orchestrator/Orchestrator.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
      -warnaserror -nologo -v q -o "$programs" \
    && dotnet publish src/Executors/Executors.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
      -warnaserror -nologo -v q -o "$programs"; then
    export SAGAWORKFLOW_TEST_PROGRAMS="$programs"
  else
    echo "publishing ReadyToRun failed: the integration tests start the build output (slower)" >&2
  fi
fi
phase "testing"
results_dir="$state_dir/results-$run_id"
# Fault tests keep every process's log here, for the post-mortem of a run that sticks.
export SAGAWORKFLOW_FAULT_LOGS="${SAGAWORKFLOW_FAULT_LOGS:-$results_dir/fault-logs}"
set +e
dotnet test SagaWorkflow.sln -c Release --no-build --nologo --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results_dir" --blame-hang-timeout 10m ${test_args[@]+"${test_args[@]}"}
test_code=$?
set -e
# A CI log may keep only its tail: name every failed test and its message there, after the long stream of results.
if [ "$test_code" != 0 ] && [ -f "$results_dir/tests.trx" ] && command -v python3 >/dev/null 2>&1; then
  phase "failed tests"
  python3 scripts/failed-tests.py "$results_dir/tests.trx" || true
fi
exit "$test_code"
