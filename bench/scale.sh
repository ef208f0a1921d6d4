#!/usr/bin/env bash
# S6 scale (issue 7).
#   in flight: S6_INFLIGHT (10,000) single-node workflows whose `delay` node runs 10 min, submitted at once, one delay
#              executor (concurrency 50) so most wait in the queue; measured: time to submit them, time from then until
#              every one is dispatched, dispatch latency (driver send -> node dispatched_at) p50/p99, and the
#              orchestrator's RSS (now and peak).
#   at rest:   S6_ROWS (100,000) completed workflows inserted with SQL (as history builds up), then 200 calls each of
#              GET /api/v1/workflows (first page, and a page deep in the history by cursor) and GET /api/v1/workflows/{id}:
#              p50/p99 in ms.
# Prints two JSON lines. Standalone: bench/scale.sh (BENCH_STORE=mysql, the default, or postgres picks the store);
# bench/run.sh calls it with its orchestrator running. A quick run: S6_INFLIGHT=200 S6_ROWS=2000 bench/scale.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
INFLIGHT=${S6_INFLIGHT:-10000}; ROWS=${S6_ROWS:-100000}
source bench/processes.sh
ensure_orchestrator
use_store
# Ours, not any orchestrator on the machine: bench/run.sh exports its pid; standalone, ensure_orchestrator started it here.
orchestrator_pid=${BENCH_ORCHESTRATOR_PID:-$(process_pid orchestrator)}
start_process s6-delay dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities delay --concurrency 50 --executor-id s6-delay

sent=$(mktemp)
echo "S6: submitting $INFLIGHT ten-minute workflows" >&2
submit=$(BENCH_SENT_FILE="$sent" dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll "$SAGAWORKFLOW_TEST_RABBITMQ" S6-submit "$INFLIGHT" 50)
submitted_at=$(date +%s.%N)
echo "$submit" >&2
wait_until 900 "[ \"\$(sql \"SELECT COUNT(*) FROM workflow_nodes n JOIN workflow_instances w ON w.correlation_id = n.workflow_id WHERE w.definition_name = 's6-inflight' AND n.state IN ('dispatched', 'running')\")\" -ge $INFLIGHT ]"
all_dispatched=$(date +%s.%N)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$orchestrator_pid/status"); peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$orchestrator_pid/status")
sql "SELECT n.workflow_id, $(sql_epoch n.dispatched_at) * 1000 FROM workflow_nodes n JOIN workflow_instances w ON w.correlation_id = n.workflow_id
     WHERE w.definition_name = 's6-inflight'" > "$sent.dispatched"
python3 - "$sent" "$sent.dispatched" "$INFLIGHT" "$submitted_at" "$all_dispatched" "$rss_kb" "$peak_kb" "$submit" <<'PY'
import json, sys
sent_file, dispatched_file, count, submitted, done, rss, peak, submit = sys.argv[1:]
sent = dict(l.strip().split(",") for l in open(sent_file) if l.strip())
latencies = sorted(float(ms) - float(sent[i]) for i, ms in (l.strip().split("\t") for l in open(dispatched_file) if l.strip()) if i in sent)
pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)
print(json.dumps({"scenario": "S6-inflight", "workflows": len(latencies), "submitSeconds": json.loads(submit.splitlines()[-1])["submitSeconds"],
                  "secondsUntilAllDispatched": round(float(done) - float(submitted), 1),
                  "dispatchP50Ms": pick(0.5), "dispatchP99Ms": pick(0.99), "orchestratorRssMb": round(int(rss) / 1024),
                  "orchestratorPeakRssMb": round(int(peak) / 1024)}))
PY
# The ten-minute nodes are not needed any more; their workflows stay Running (the newest rows, as in a live system).
kill -KILL "$(process_pid s6-delay)" 2>/dev/null || true

# The history rows, one per g in 1..ROWS: id = the UUID spelled by md5('s6-<g>') (the timed gets below derive the same
# ids), created g seconds ago, finished 20 ms later. Generating the series is where the stores differ: PostgreSQL has
# generate_series; MySQL and MariaDB get a recursive CTE, whose depth each caps by a session variable of its own
# (MariaDB: max_recursive_iterations, 1000 on the 10.11 here; MySQL 8: cte_max_recursion_depth, 1000 by default), raised
# to ROWS here. (MariaDB's sequence engine, seq_1_to_<N>, would do too, but MySQL has none.)
history_instances_sql() {
  local json='{"name":"s6-history","nodes":[{"id":"a","capability":"noop"}]}'
  if [ "$BENCH_STORE" = mysql ]; then
    local depth
    depth=$(sql "SELECT VERSION()" | grep -qi mariadb && echo max_recursive_iterations || echo cte_max_recursion_depth)
    echo "SET SESSION $depth = GREATEST(@@$depth, $ROWS);
     INSERT INTO workflow_instances (correlation_id, current_state, definition_name, definition_version, definition_json, triggered_by, created_at, updated_at, finished_at, version)
     WITH RECURSIVE series (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series WHERE g < $ROWS)
     SELECT CONCAT_WS('-', SUBSTR(h, 1, 8), SUBSTR(h, 9, 4), SUBSTR(h, 13, 4), SUBSTR(h, 17, 4), SUBSTR(h, 21)), 'Completed',
            CONCAT('s6-history-', g % 20), 1, '$json', 'api', UTC_TIMESTAMP(6) - INTERVAL g SECOND, UTC_TIMESTAMP(6) - INTERVAL g SECOND,
            UTC_TIMESTAMP(6) - INTERVAL g SECOND + INTERVAL 20000 MICROSECOND, 1
     FROM (SELECT g, MD5(CONCAT('s6-', g)) AS h FROM series) s;"
  else
    echo "INSERT INTO workflow_instances (correlation_id, current_state, definition_name, definition_version, definition_json, triggered_by, created_at, updated_at, finished_at, version)
     SELECT md5(CONCAT('s6-', g))::uuid, 'Completed', CONCAT('s6-history-', g % 20), 1, '$json', 'api',
            now() - make_interval(secs => g), now() - make_interval(secs => g), now() - make_interval(secs => g) + interval '20 milliseconds', 1
     FROM generate_series(1, $ROWS) g;"
  fi
}
echo "S6: inserting $ROWS completed workflows" >&2
# Each history workflow's one node, from its workflow row (the same on both stores); then fresh planner statistics.
sql "$(history_instances_sql)
     INSERT INTO workflow_nodes (workflow_id, node_id, ordinal, capability, state, attempt, max_attempts, depends_on_json, on_executor_lost, failovers,
                                 dispatched_at, started_at, finished_at, output_json, executor_id)
     SELECT correlation_id, 'a', 0, 'noop', 'succeeded', 1, 1, '[]', 'redispatch', 0, created_at, created_at, created_at, '{\"ok\":true}', 'history'
     FROM workflow_instances WHERE definition_name LIKE 's6-history-%';
     $(by_store 'ANALYZE TABLE workflow_instances, workflow_nodes;' 'ANALYZE workflow_instances; ANALYZE workflow_nodes;')" >/dev/null
python3 - "$BENCH_API" "$BENCH_API_KEY" "$ROWS" <<'PY'
import hashlib, json, random, sys, time, urllib.request, uuid
base, key, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        body = response.read()
    return (time.perf_counter() - start) * 1000, json.loads(body)
def stats(samples):
    samples = sorted(samples)
    return {"p50Ms": round(samples[len(samples) // 2], 1), "p99Ms": round(samples[int(len(samples) * 0.99)], 1)}
for _ in range(20):  # warm-up: JIT, connection pool, plan cache
    get("/api/v1/workflows?limit=50")
first = [get("/api/v1/workflows?limit=50")[0] for _ in range(200)]
# A cursor deep in the history: walk 40 pages of 500 once (fewer when a quick run has less history), then time that
# page's successor: page 401 of 50 with the default counts.
cursor, walked = None, 0
for _ in range(40):
    _, page = get("/api/v1/workflows?limit=500" + ("&cursor=" + cursor if cursor else ""))
    if not page.get("nextCursor"):
        break
    cursor, walked = page["nextCursor"], walked + 1
deep = [get("/api/v1/workflows?limit=50" + ("&cursor=" + cursor if cursor else ""))[0] for _ in range(200)]
ids = [str(uuid.UUID(hashlib.md5(f"s6-{random.randint(1, rows)}".encode()).hexdigest())) for _ in range(200)]
single = [get("/api/v1/workflows/" + i)[0] for i in ids]
print(json.dumps({"scenario": "S6-history", "rows": rows, "listFirstPage": stats(first), "deepPage": walked * 10 + 1, "listPage400": stats(deep), "get": stats(single)}))
PY
