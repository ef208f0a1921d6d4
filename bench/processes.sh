# Shared by the benchmark scripts (sourced): start and track SagaWorkflow processes, query the saga store, submit
# workflows. Processes started here are killed when the sourcing script exits.
#
# The saga store: BENCH_STORE=mysql (the default; MariaDB or MySQL, through SAGAWORKFLOW_TEST_MYSQL, a MySqlConnector
# connection string) or BENCH_STORE=postgres (through SAGAWORKFLOW_TEST_POSTGRES, an Npgsql connection string).
# Services left running by scripts/test.sh --services-only stop with:
#   RABBITMQ_NODENAME=rabbit@localhost rabbitmqctl shutdown; pg_ctlcluster 15 main stop; mariadb-admin shutdown

export BENCH_STORE=${BENCH_STORE:-mysql}
case "$BENCH_STORE" in
  mysql|postgres) ;;
  *) echo "BENCH_STORE must be mysql or postgres, not '$BENCH_STORE'" >&2; exit 2 ;;
esac

declare -A bench_pids=()
bench_logs="${BENCH_LOGS:-$(mktemp -d)}"
bench_cleanup() { for p in "${bench_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap bench_cleanup EXIT

# BENCH_LOGS names the directory the processes' logs go to (default: a new temporary one, printed when a process fails
# to start).
# name, command...: starts a process (replacing one of the same name) and waits until it is ready: its ready file
# (Hosting__ReadyFile, docs/operations.md) exists once its bus and other readiness checks pass.
start_process() {
  local name=$1; shift
  local ready="$bench_logs/$name.ready"
  if [ -n "${bench_pids[$name]:-}" ]; then kill -KILL "${bench_pids[$name]}" 2>/dev/null || true; fi
  # A process killed with -9 leaves its file behind.
  rm -f "$ready"
  # Appended, one section per start: a process started again under the same name (a chaos kill) keeps its
  # predecessor's log, which is where a slow recovery is explained.
  echo "== $name started $(date -u +%FT%T.%3NZ)" >> "$bench_logs/$name.log"
  Hosting__ReadyFile="$ready" "$@" >> "$bench_logs/$name.log" 2>&1 &
  bench_pids[$name]=$!
  disown "$!"  # no "Killed" job notices when a trial kills it
  for _ in $(seq 1 600); do
    [ -f "$ready" ] && return 0
    kill -0 "${bench_pids[$name]}" 2>/dev/null || break
    sleep 0.1
  done
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

# The store's name for people (tables, summaries).
store_label() { by_store MySQL PostgreSQL; }
# text for MySQL, text for PostgreSQL: prints the one for BENCH_STORE (a query, or a piece of one, where the two differ).
by_store() { if [ "$BENCH_STORE" = mysql ]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }
# column: the SQL for that timestamp in seconds since the epoch, with fractions (MySQL's UNIX_TIMESTAMP reads a DATETIME
# in the session time zone; `sql` sets it to UTC, the zone the processes write in).
sql_epoch() { by_store "UNIX_TIMESTAMP($1)" "EXTRACT(EPOCH FROM $1)"; }

# Npgsql connection string -> libpq environment, so `sql` reaches the same database the processes use.
use_postgres_env() {
  local kv key
  IFS=';' read -ra parts <<< "$1"
  for kv in "${parts[@]}"; do
    key=$(echo "${kv%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
    case "$key" in
      host|server) export PGHOST="${kv#*=}" ;; port) export PGPORT="${kv#*=}" ;;
      username|userid|user) export PGUSER="${kv#*=}" ;;
      password|pwd) export PGPASSWORD="${kv#*=}" ;; database|db) export PGDATABASE="${kv#*=}" ;;
    esac
  done
}
# MySqlConnector connection string -> BENCH_MYSQL_HOST/_PORT/_USER/_PASSWORD/_DATABASE for `sql`'s mariadb client.
use_mysql_env() {
  local kv key
  export BENCH_MYSQL_HOST=127.0.0.1 BENCH_MYSQL_PORT=3306 BENCH_MYSQL_USER= BENCH_MYSQL_PASSWORD= BENCH_MYSQL_DATABASE=
  IFS=';' read -ra parts <<< "$1"
  for kv in "${parts[@]}"; do
    key=$(echo "${kv%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
    case "$key" in
      server|host|datasource|address|addr) export BENCH_MYSQL_HOST="${kv#*=}" ;; port) export BENCH_MYSQL_PORT="${kv#*=}" ;;
      userid|uid|username|user) export BENCH_MYSQL_USER="${kv#*=}" ;;
      password|pwd) export BENCH_MYSQL_PASSWORD="${kv#*=}" ;; database|initialcatalog) export BENCH_MYSQL_DATABASE="${kv#*=}" ;;
    esac
  done
  BENCH_MYSQL_CLIENT=$(command -v mariadb || command -v mysql || echo mariadb); export BENCH_MYSQL_CLIENT
}

# The processes' store settings (Database__Provider, Database__ConnectionString) and `sql`'s connection, for BENCH_STORE.
use_store() {
  if [ "$BENCH_STORE" = mysql ]; then
    export Database__Provider=MySql Database__ConnectionString="$SAGAWORKFLOW_TEST_MYSQL"
    use_mysql_env "$SAGAWORKFLOW_TEST_MYSQL"
  else
    export Database__Provider=Postgres Database__ConnectionString="$SAGAWORKFLOW_TEST_POSTGRES"
    use_postgres_env "$SAGAWORKFLOW_TEST_POSTGRES"
  fi
}

# query: runs it on the store (after use_store); prints the rows tab-separated, without headers, NULL as an empty field
# on both stores (the mariadb client prints NULL as "NULL": mapped to empty; no query here selects the text 'NULL').
# On MySQL the session runs in UTC, so UNIX_TIMESTAMP reads the DATETIME(6) columns as the UTC they hold. The password
# goes through the environment (MYSQL_PWD / PGPASSWORD), never the command line.
sql() {
  if [ "$BENCH_STORE" = mysql ]; then
    MYSQL_PWD="$BENCH_MYSQL_PASSWORD" "$BENCH_MYSQL_CLIENT" --protocol=tcp -h "$BENCH_MYSQL_HOST" -P "$BENCH_MYSQL_PORT" \
      -u "$BENCH_MYSQL_USER" -D "$BENCH_MYSQL_DATABASE" -N -B --init-command="SET time_zone = '+00:00'" -e "$1" \
      | awk 'BEGIN { FS = OFS = "\t" } { for (i = 1; i <= NF; i++) if ($i == "NULL") $i = ""; print }'
    return "${PIPESTATUS[0]}"
  else
    psql -X -At -q -F $'\t' -c "$1"
  fi
}

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

# The services to run against: when SAGAWORKFLOW_TEST_RABBITMQ, SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT and the store's
# variable (SAGAWORKFLOW_TEST_MYSQL for BENCH_STORE=mysql, SAGAWORKFLOW_TEST_POSTGRES for postgres) are all already set,
# use them (a vhost and database made by hand, or by an earlier `scripts/test.sh --services-only`); otherwise start the
# services and get a fresh vhost and databases from that script (which leaves other runs' vhosts and databases alone;
# a full `scripts/test.sh` run removes leftovers).
use_services() {
  local store_var
  store_var=SAGAWORKFLOW_TEST_$(by_store MYSQL POSTGRES)
  if [ -n "${SAGAWORKFLOW_TEST_RABBITMQ:-}" ] && [ -n "${SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT:-}" ] && [ -n "${!store_var:-}" ]; then
    echo "using the services in SAGAWORKFLOW_TEST_RABBITMQ / _RABBITMQ_MANAGEMENT / ${store_var#SAGAWORKFLOW_TEST}" \
      "(vhost ${SAGAWORKFLOW_TEST_RABBITMQ##*/}, store $(store_label))" >&2
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
  use_store
  export Transport__Kind=RabbitMq RabbitMq__Uri="$SAGAWORKFLOW_TEST_RABBITMQ" Logging__LogLevel__Default=Warning \
         Logging__LogLevel__MassTransit=Information Api__Keys__0__Name=bench Api__Keys__0__Key="$BENCH_API_KEY"
  start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
}

# method, path[, JSON body]: one API call as the benchmark's admin; prints the response body, fails on an HTTP error.
api() {
  curl -fsS -X "$1" -H "Authorization: Bearer $BENCH_API_KEY" -H 'content-type: application/json' ${3:+-d "$3"} "$BENCH_API$2"
}

# CPU seconds (user + system) used so far by: orchestrator, executor (and executor-2 while it runs), the store as
# "database" (PostgreSQL: postmaster, live backends and, through the postmaster's child counters, backends that exited;
# MariaDB/MySQL: the mariadbd or mysqld process, whose /proc/<pid>/stat counts all its threads), RabbitMQ (beam.smp).
# One line "name ticks ticks-per-second" each.
cpu_snapshot() {
  local hz pg_main my_main
  hz=$(getconf CLK_TCK)
  # pid...: their utime + stime; a pid that is gone (a backend that just exited) or empty counts 0.
  ticks() {
    local t=0 p v
    for p in "$@"; do
      [ -n "$p" ] || continue
      v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}'); t=$((t + ${v:-0}))
    done
    echo "$t"
  }
  echo "orchestrator $(ticks "${bench_pids[orchestrator]:-}") $hz"
  if [ -n "${bench_pids[orchestrator-b]:-}" ]; then echo "orchestrator-b $(ticks "${bench_pids[orchestrator-b]}") $hz"; fi
  echo "executor $(ticks "${bench_pids[executor]:-}") $hz"
  if [ -n "${bench_pids[executor-2]:-}" ]; then echo "executor-2 $(ticks "${bench_pids[executor-2]}") $hz"; fi
  if [ "$BENCH_STORE" = mysql ]; then
    my_main=$(pgrep -o -x mariadbd || pgrep -o -x mysqld || true)
    echo "database $(ticks $my_main) $hz"
  else
    pg_main=$(pgrep -o -u postgres -x postgres || true)
    echo "database $(( $(ticks $(pgrep -u postgres -x postgres)) + $( [ -n "$pg_main" ] && sed 's/.*) //' "/proc/$pg_main/stat" | awk '{print $14 + $15}' || echo 0) )) $hz"
  fi
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

# An operator's SQL client beside a benchmark (issue 13's connection budget): every 0.5 s a new session runs a query,
# which must always get in, and reports how many sessions the benchmark's database user holds (its own included, so
# minus one). Start before a scenario, stop after it with its name; the stop prints one JSON line.
connection_probe_start() {
  probe_file=$(mktemp)
  local count_sql
  count_sql=$(by_store "SELECT COUNT(*) FROM information_schema.processlist WHERE user = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)" \
    "SELECT count(*) FROM pg_stat_activity WHERE usename = current_user")
  ( while :; do
      if n=$(sql "$count_sql" 2>/dev/null); then echo "ok $((n - 1))"; else echo refused; fi
      sleep 0.5
    done >> "$probe_file" ) &
  probe_pid=$!
  disown "$probe_pid"
}
connection_probe_stop() {
  kill "$probe_pid" 2>/dev/null || true
  python3 - "$1" "$probe_file" <<'PY'
import json, sys
name, path = sys.argv[1:]
rows = [l.split() for l in open(path) if l.strip()]
held = [int(r[1]) for r in rows if r[0] == "ok"]
print(json.dumps({"scenario": name + "-connections", "probes": len(rows), "refused": sum(1 for r in rows if r[0] == "refused"),
                  "peakSessions": max(held, default=None), "medianSessions": sorted(held)[len(held) // 2] if held else None}))
PY
  rm -f "$probe_file"
}

# What a scenario costs beyond CPU (issue 15), read before and after it: the orchestrator's database counters from its
# /metrics (sagaworkflow_db_*: what it sent through EF Core; not Quartz's statements) and the vhost's message counts
# from RabbitMQ's management API (GET /api/vhosts/<vhost>: message_stats.publish, messages clients published into the
# vhost, each counted once however many queues it reached; deliver_get, messages handed to consumers; ack). The broker
# refreshes those statistics every collect_statistics_interval (5 s by default), so each reading first waits
# BROKER_STATS_SETTLE seconds (default 6): a reading then includes everything up to that moment, the executors'
# heartbeats of the waiting seconds too. One line "name value" each.
cost_snapshot() {
  sleep "${BROKER_STATS_SETTLE:-6}"
  # A series without labels reads "name{} value" in the exporter's text format.
  curl -fsS "$BENCH_API/metrics" | awk '
    $1 ~ /^sagaworkflow_db_commands_total(\{\})?$/ { print "commands", $2 }
    $1 ~ /^sagaworkflow_db_transactions_started_total(\{\})?$/ { print "begun", $2 }
    $1 == "sagaworkflow_db_transactions_total{outcome=\"committed\"}" { print "commits", $2 }
    $1 ~ /^sagaworkflow_db_savepoints_total(\{\})?$/ { print "savepoints", $2 }'
  curl -fsS "$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT/api/vhosts/${SAGAWORKFLOW_TEST_RABBITMQ##*/}" | python3 -c '
import json, sys
stats = json.load(sys.stdin).get("message_stats", {})
for name, key in (("published", "publish"), ("delivered", "deliver_get"), ("acked", "ack")):
    print(name, stats.get(key, 0))'
}

# scenario, workflows, CPU snapshot before, after, cost snapshot before, after: one JSON line "<scenario>-cost" with
# each figure per workflow (CPU in ms of CPU time: ticks over the scenario / workflows) and the totals it came from.
cost_report() {
  python3 - "$@" <<'PY'
import json, sys
scenario, workflows, cpu_b, cpu_a, cost_b, cost_a = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
cpu = lambda s: {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in s.splitlines() if l.strip()}
counts = lambda s: {l.split()[0]: float(l.split()[1]) for l in s.splitlines() if l.strip()}
cb, ca, nb, na = cpu(cpu_b), cpu(cpu_a), counts(cost_b), counts(cost_a)
cpu_ms = {name: (ca[name][0] - cb.get(name, (0,))[0]) / ca[name][1] * 1000 for name in ca if name != "machine"}
totals = {name: na.get(name, 0) - nb.get(name, 0) for name in ("commands", "begun", "commits", "savepoints", "published", "delivered", "acked")}
per = lambda v: round(v / workflows, 2)
print(json.dumps({"scenario": scenario + "-cost", "workflows": workflows,
                  "orchestratorCpuMs": per(sum(v for k, v in cpu_ms.items() if k.startswith("orchestrator"))), "databaseCpuMs": per(cpu_ms.get("database", 0)),
                  "rabbitmqCpuMs": per(cpu_ms.get("rabbitmq", 0)),
                  "executorCpuMs": per(sum(v for k, v in cpu_ms.items() if k.startswith("executor"))),
                  "published": per(totals["published"]), "delivered": per(totals["delivered"]), "acked": per(totals["acked"]),
                  "sqlCommands": per(totals["commands"]), "commits": per(totals["commits"]),
                  "transactionsBegun": per(totals["begun"]), "savepoints": per(totals["savepoints"]),
                  "totals": {k: int(v) for k, v in totals.items()}}))
PY
}

# name: the process's resident memory now and its lifetime peak, "VmRSS-MB VmHWM-MB".
process_rss_mb() {
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { printf "%d %d\n", rss / 1024, hwm / 1024 }' "/proc/${bench_pids[$1]}/status"
}

# children, seconds: S7 in local mode. The orchestrator's `run` verb (in-memory bus, in-process executors, SQLite under
# ./data of a fresh temporary directory) on the same root -> children -> join workflow of noop nodes, without the
# benchmark's distributed settings; killed after the given seconds. Times the whole process and, from its output, the
# workflow (the "workflow <id>" line it prints as it submits -> its "workflow completed" line), and samples its VmRSS
# every 0.2 s. One JSON line "S7-local".
local_fan_out() {
  python3 - "$1" "$2" "$PWD/src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll" <<'PY'
import json, os, shutil, signal, subprocess, sys, tempfile, threading, time
children, timeout, dll = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
work = tempfile.mkdtemp(prefix="sagaworkflow-s7-")
nodes = [{"id": "root", "capability": "noop"}] + [{"id": f"c{i}", "capability": "noop", "dependsOn": ["root"]} for i in range(children)]
nodes.append({"id": "join", "capability": "noop", "dependsOn": [f"c{i}" for i in range(children)]})
with open(os.path.join(work, "s7.json"), "w") as f:
    json.dump({"name": "s7-wide-fan-out", "nodes": nodes}, f)
# The local verb reads the environment too: the benchmark's distributed settings must not reach it.
env = {k: v for k, v in os.environ.items() if not k.startswith(("Transport__", "RabbitMq__", "Database__", "Api__"))}
started = time.monotonic()
proc = subprocess.Popen(["dotnet", dll, "run", "s7.json"], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True, start_new_session=True)
peak = [0]
def sample():
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as s:
                peak[0] = max(peak[0], next(int(l.split()[1]) for l in s if l.startswith("VmRSS:")))
        except (OSError, StopIteration):
            pass
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()
submitted = finished = None
last, first_error, rejection = None, None, None
timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
timer.start()
for line in proc.stdout:
    now = time.monotonic()
    if submitted is None and line.startswith("workflow ") and " nodes)" in line:
        submitted = now
    elif line.startswith("workflow "):
        finished, last = now, line.strip()
    elif last and last.startswith("workflow rejected") and rejection is None and line.startswith("  - "):
        rejection = line.strip()[2:]
    elif first_error is None and ("error" in line.lower() or "exception" in line.lower()):
        first_error = line.strip()[:300]
code = proc.wait()
timed_out = not timer.is_alive() and code == -signal.SIGKILL
timer.cancel()
process_seconds = time.monotonic() - started
shutil.rmtree(work, ignore_errors=True)
outcome = ("timed out" if timed_out else "completed" if last and last.startswith("workflow completed")
           else "rejected" if rejection else (last or f"exit {code}"))
seconds = finished - submitted if outcome == "completed" and submitted and finished else None
print(json.dumps({"scenario": "S7-local", "children": children, "nodes": children + 2, "outcome": outcome, "exitCode": code,
                  "timeoutSeconds": timeout, "processSeconds": round(process_seconds, 3),
                  "seconds": round(seconds, 3) if seconds is not None else None,
                  "msPerChild": round(seconds * 1000 / children, 3) if seconds is not None else None,
                  "processMsPerChild": round(process_seconds * 1000 / children, 3) if outcome == "completed" else None,
                  "peakRssMb": peak[0] // 1024, "rejection": rejection, "firstErrorLine": first_error}))
PY
}
