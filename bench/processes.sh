# Shared by the benchmark scripts (sourced): start and track SagaWorkflow processes, query PostgreSQL, submit workflows.
# Processes started here are killed when the sourcing script exits.

declare -A bench_pids=()
bench_logs="${BENCH_LOGS:-$(mktemp -d)}"
bench_cleanup() { for p in "${bench_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap bench_cleanup EXIT

# name, command...: starts a process (replacing one of the same name) and waits until its bus is up.
start_process() {
  local name=$1; shift
  if [ -n "${bench_pids[$name]:-}" ]; then kill -KILL "${bench_pids[$name]}" 2>/dev/null || true; fi
  "$@" > "$bench_logs/$name.log" 2>&1 &
  bench_pids[$name]=$!
  disown "$!"  # no "Killed" job notices when a trial kills it
  for _ in $(seq 1 240); do grep -q "Bus started" "$bench_logs/$name.log" && return 0; sleep 0.25; done
  echo "$name did not start:" >&2; cat "$bench_logs/$name.log" >&2; return 1
}
process_pid() { echo "${bench_pids[$1]}"; }

# name[, seconds]: SIGTERM (an executor drains, then exits) and waits until the process is gone; KILL after the timeout
# (default 60 s, above an executor's 25 s drain deadline plus its 10 s of goodbye).
stop_process() {
  local name=$1 timeout=${2:-60} pid=${bench_pids[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  # Gone, or a zombie not reaped yet (it was disowned).
  if ! wait_until "$timeout" "! kill -0 $pid 2>/dev/null || [ \"\$(awk '{print \$3}' /proc/$pid/stat 2>/dev/null)\" = Z ]"; then
    echo "$name (pid $pid) did not stop within $timeout s of SIGTERM: killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  unset "bench_pids[$name]"
}

# seconds, shell condition: polls the condition every 50 ms; fails naming it when it never holds.
wait_until() {
  local deadline=$(( $(date +%s) + $1 ))
  until eval "$2"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "timed out after $1 s waiting for: $2" >&2; return 1; fi
    sleep 0.05
  done
}

# Npgsql connection string -> libpq environment, so `sql` reaches the same database the processes use.
use_postgres_env() {
  local kv
  IFS=';' read -ra parts <<< "$1"
  for kv in "${parts[@]}"; do
    case "${kv%%=*}" in
      Host) export PGHOST="${kv#*=}" ;; Port) export PGPORT="${kv#*=}" ;; Username) export PGUSER="${kv#*=}" ;;
      Password) export PGPASSWORD="${kv#*=}" ;; Database) export PGDATABASE="${kv#*=}" ;;
    esac
  done
}
sql() { psql -X -At -q -c "$1"; }

# workflow id, definition JSON: publishes a plain-JSON StartWorkflow to the workflow-submit exchange through the
# management API, as any AMQP client could (the message id becomes the workflow id).
submit_workflow() {
  local vhost=${SAGAWORKFLOW_TEST_RABBITMQ##*/} body
  body=$(python3 -c 'import json,sys; print(json.dumps({"properties": {"content_type": "application/json", "message_id": sys.argv[1]},
    "routing_key": "", "payload": json.dumps({"definition": json.loads(sys.argv[2])}), "payload_encoding": "string"}))' "$1" "$2")
  curl -fsS -X POST -H 'content-type: application/json' -d "$body" \
    "$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT/api/exchanges/$vhost/workflow-submit/publish" | grep -q '"routed":true' \
    || { echo "workflow $1 was not routed to workflow-submit" >&2; return 1; }
}

# The API key the benchmark orchestrator accepts (loopback only, throwaway).
export BENCH_API_KEY=bench-admin-key-0123456789
export BENCH_API=http://127.0.0.1:5080

# The services to run against: when SAGAWORKFLOW_TEST_RABBITMQ, SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT and
# SAGAWORKFLOW_TEST_POSTGRES are all already set, use them (a vhost and database made by hand, or by an earlier
# `scripts/test.sh --services-only`); otherwise start the services and get a fresh vhost and database from that script,
# which also removes leftover sagaworkflow-test-* vhosts and databases, those of a test run still going included.
use_services() {
  if [ -n "${SAGAWORKFLOW_TEST_RABBITMQ:-}" ] && [ -n "${SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT:-}" ] && [ -n "${SAGAWORKFLOW_TEST_POSTGRES:-}" ]; then
    echo "using the services in SAGAWORKFLOW_TEST_RABBITMQ / _RABBITMQ_MANAGEMENT / _POSTGRES (vhost ${SAGAWORKFLOW_TEST_RABBITMQ##*/})" >&2
    return 0
  fi
  eval "$(scripts/test.sh --services-only | grep '^export')"
}

# Unless bench/run.sh already did (S_ORCHESTRATOR=running): services, a Release build, and one orchestrator with the
# benchmark API key, on the same settings as bench/run.sh.
ensure_orchestrator() {
  if [ "${S_ORCHESTRATOR:-}" = running ]; then return 0; fi
  use_services
  dotnet build SagaWorkflow.sln -c Release -nologo -v q >/dev/null
  export Transport__Kind=RabbitMq RabbitMq__Uri="$SAGAWORKFLOW_TEST_RABBITMQ" Database__Provider=Postgres \
         Database__ConnectionString="$SAGAWORKFLOW_TEST_POSTGRES" Logging__LogLevel__Default=Warning \
         Logging__LogLevel__MassTransit=Information Api__Keys__0__Name=bench Api__Keys__0__Key="$BENCH_API_KEY"
  start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
}

# method, path[, JSON body]: one API call as the benchmark's admin; prints the response body, fails on an HTTP error.
api() {
  curl -fsS -X "$1" -H "Authorization: Bearer $BENCH_API_KEY" -H 'content-type: application/json' ${3:+-d "$3"} "$BENCH_API$2"
}

# CPU seconds (user + system) used so far by: orchestrator, executor (and executor-2 while it runs), PostgreSQL
# (postmaster, live backends and, through the postmaster's child counters, backends that exited), RabbitMQ (beam.smp).
# One line "name ticks ticks-per-second" each.
cpu_snapshot() {
  local hz pg_main
  hz=$(getconf CLK_TCK)
  ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done; echo "$t"; }
  pg_main=$(pgrep -o -u postgres -x postgres || true)
  echo "orchestrator $(ticks "${bench_pids[orchestrator]:-}") $hz"
  echo "executor $(ticks "${bench_pids[executor]:-}") $hz"
  if [ -n "${bench_pids[executor-2]:-}" ]; then echo "executor-2 $(ticks "${bench_pids[executor-2]}") $hz"; fi
  echo "postgres $(( $(ticks $(pgrep -u postgres -x postgres)) + $( [ -n "$pg_main" ] && sed 's/.*) //' "/proc/$pg_main/stat" | awk '{print $14 + $15}' || echo 0) )) $hz"
  echo "rabbitmq $(ticks $(pgrep -f beam.smp)) $hz"
  # Every process together (user, nice, system, irq, softirq over all cores): 200 % on 2 cores is a saturated machine.
  echo "machine $(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat) $hz"
}

# scenario, seconds, snapshot before, snapshot after: one JSON line with each process's CPU as % of one core.
cpu_report() {
  python3 - "$@" <<'PY'
import json, sys
scenario, seconds, before, after = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
parse = lambda s: {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in s.splitlines() if l.strip()}
b, a = parse(before), parse(after)
print(json.dumps({"scenario": scenario + "-cpu", "seconds": seconds,
                  **{name: f"{(a[name][0] - b[name][0]) / a[name][1] / seconds:.0%}" for name in a}}))
PY
}
