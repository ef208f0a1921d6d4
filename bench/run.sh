#!/usr/bin/env bash
# Runs the benchmark scenarios against real RabbitMQ + PostgreSQL started the same way the tests start them, with one
# orchestrator and one executor process (concurrency 50) in Release, and prints one JSON line per scenario plus a
# markdown table; S1 runs again with a second executor process (S1-2exec); S4 (failover) runs bench/failover.sh with two
# more executors (S4=0 skips it), S5 bench/cron.sh, S6 bench/scale.sh. Counts default to the figures of issue 7;
# override for a quick run, e.g. S1_COUNT=2000 bench/run.sh.
# PG_TUNED=1 runs with synchronous_commit=off on the benchmark database.
# The first JSON line (scenario "run") records the machine, versions and load average; the last ("run-end") the load
# average and the run's duration.
# With SAGAWORKFLOW_TEST_RABBITMQ, SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT and SAGAWORKFLOW_TEST_POSTGRES all set it runs
# against them; otherwise it calls scripts/test.sh --services-only (which removes leftover sagaworkflow-test-* vhosts
# and databases first). Services stay running afterwards; stop them with:
#   RABBITMQ_NODENAME=rabbit@localhost rabbitmqctl shutdown; pg_ctlcluster 15 main stop
set -euo pipefail
cd "$(dirname "$0")/.."

S0_COUNT=${S0_COUNT:-20000}; S1_COUNT=${S1_COUNT:-20000}; S1_SERIAL=${S1_SERIAL:-200}
S2_COUNT=${S2_COUNT:-2000}; S3_COUNT=${S3_COUNT:-20}; CONCURRENCY=${CONCURRENCY:-50}; WARMUP=${WARMUP:-5000}

run_started=$(date +%s.%N); load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
out="$(mktemp -d)"; export BENCH_LOGS="$out"
echo "process logs and results.jsonl in $out" >&2
source bench/processes.sh
use_services
dotnet build SagaWorkflow.sln -c Release -nologo -v q >/dev/null
if [ "${PG_TUNED:-0}" = 1 ]; then
  # Tuned variant: commits return before the WAL reaches disk (a crash can lose the last few ms of commits).
  db=$(echo "$SAGAWORKFLOW_TEST_POSTGRES" | sed -E 's/.*Database=([^;]*).*/\1/')
  runuser -u postgres -- psql -X -q -c "ALTER DATABASE \"$db\" SET synchronous_commit = off"
fi
export Transport__Kind=RabbitMq RabbitMq__Uri="$SAGAWORKFLOW_TEST_RABBITMQ" Database__Provider=Postgres \
       Database__ConnectionString="$SAGAWORKFLOW_TEST_POSTGRES" Logging__LogLevel__Default=Warning Logging__LogLevel__MassTransit=Information \
       Api__Keys__0__Name=bench Api__Keys__0__Key="$BENCH_API_KEY"
start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
start_process executor dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities noop --concurrency "$CONCURRENCY"

# The run header: what the figures were measured on. Server versions and settings are asked of the servers themselves
# (synchronous_commit of a new session on the benchmark database, so PG_TUNED's ALTER DATABASE shows).
(use_postgres_env "$SAGAWORKFLOW_TEST_POSTGRES"
 python3 - "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
   "$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)" "$(nproc)" \
   "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$load_at_start" "$(dotnet --version)" \
   "$(curl -fsS "$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT/api/overview" | python3 -c 'import json, sys; print(json.load(sys.stdin)["rabbitmq_version"])')" \
   "$(sql 'SHOW server_version')" \
   "$(sed -nE 's:.*<MassTransitVersion>([^<]*)</MassTransitVersion>.*:\1:p' Directory.Packages.props)" \
   "$(sql 'SHOW synchronous_commit')" "$CONCURRENCY" <<'PY'
import json, sys
date, commit, dirty, cores, cpu, load, dotnet, rabbitmq, postgres, masstransit, sync_commit, concurrency = sys.argv[1:]
print(json.dumps({"scenario": "run", "date": date, "commit": commit, "uncommittedChanges": dirty == "true",
                  "nproc": int(cores), "cpuModel": cpu, "loadAverage": [float(x) for x in load.split()], "dotnet": dotnet,
                  "rabbitmq": rabbitmq, "postgres": postgres, "massTransit": masstransit, "synchronousCommit": sync_commit,
                  "executorConcurrency": int(concurrency), "durableQueues": True}))
PY
) | tee -a "$out/results.jsonl"
# scenario name to report, driver arguments: one driver run, its JSON line renamed (the driver knows S1, not S1-2exec).
bench_as() {
  local name=$1; shift
  dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll "$SAGAWORKFLOW_TEST_RABBITMQ" "$@" \
    | sed "s/\"scenario\":\"$1\"/\"scenario\":\"$name\"/" | tee -a "$out/results.jsonl"
}
bench() { bench_as "$1" "$@"; }
# scenario name, driver arguments: the scenario, then each process's CPU over it as % of one core (what bounds it; the
# header's nproc says how many cores there are in all).
bench_with_cpu() {
  local name=$1 cpu_before started; shift
  cpu_before=$(cpu_snapshot); started=$(date +%s.%N)
  bench_as "$name" "$@"
  cpu_report "$name" "$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')" "$cpu_before" "$(cpu_snapshot)" | tee -a "$out/results.jsonl"
}
bench_with_cpu S0 S0 "$S0_COUNT" "$CONCURRENCY"
# Warm-up: the first few thousand workflows run on code still being JIT-compiled and re-tiered (measured: the first
# 4,000 at ~230/s, the next 4,000 at ~400/s on the same processes). Its rate is reported as S1-warmup; the scenarios
# after it measure the processes as a long-running deployment runs.
bench_as S1-warmup S1 "$WARMUP" "$CONCURRENCY"
bench_with_cpu S1 S1 "$S1_COUNT" "$CONCURRENCY"
# S1 again with a second noop executor process on the same settings (the issue's "then 2 executors"); it is fresh, not
# warmed up, which costs little (an executor's CPU is a few % of S1's). Stopped afterwards (SIGTERM: it drains and
# exits) so the later scenarios run on the one-executor setup the table describes.
start_process executor-2 dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities noop --concurrency "$CONCURRENCY"
bench_with_cpu S1-2exec S1 "$S1_COUNT" "$CONCURRENCY"
stop_process executor-2
bench S1-serial "$S1_SERIAL" "$CONCURRENCY"
bench_with_cpu S2 S2 "$S2_COUNT" "$CONCURRENCY"
bench_with_cpu S3 S3 "$S3_COUNT" "$CONCURRENCY"
bench S3-single 3 "$CONCURRENCY"
export S_ORCHESTRATOR=running BENCH_ORCHESTRATOR_PID="$(process_pid orchestrator)"
if [ "${S4:-1}" = 1 ]; then bench/failover.sh | tee -a "$out/results.jsonl"; fi
if [ "${S5:-1}" = 1 ]; then bench/cron.sh | tee -a "$out/results.jsonl"; fi
if [ "${S6:-1}" = 1 ]; then bench/scale.sh | tee -a "$out/results.jsonl"; fi

python3 -c 'import json, sys; print(json.dumps({"scenario": "run-end", "date": sys.argv[1], "seconds": round(float(sys.argv[2]), 1),
                   "loadAverage": [float(x) for x in sys.argv[3].split()]}))' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(awk -v s="$run_started" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/results.jsonl"

# The tables of docs/benchmarks.md, from the JSON lines.
python3 - "$out/results.jsonl" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
by = {r["scenario"]: r for r in lines if "scenario" in r}
run = by.get("run")
if run:
    print(f'\nrun {run["date"]}, commit {run["commit"][:12]}{" (with uncommitted changes)" if run["uncommittedChanges"] else ""}: '
          f'{run["nproc"]} cores ({run["cpuModel"]}), load average {" / ".join(map(str, run["loadAverage"]))} at start; '
          f'.NET {run["dotnet"]}, RabbitMQ {run["rabbitmq"]}, PostgreSQL {run["postgres"]} (synchronous_commit = '
          f'{run["synchronousCommit"]}), MassTransit {run["massTransit"]}, executor concurrency {run["executorConcurrency"]}, durable queues')
rows = [r for r in lines if "ratePerSecond" in r]
base = next((r["ratePerSecond"] for r in rows if r["scenario"] == "S0"), None)
print("\n| scenario | count | seconds | rate/s | vs S0 | p50 ms | p99 ms | failed |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    ratio = f'{r["ratePerSecond"] / base:.0%}' if base else "-"
    print(f'| {r["scenario"]} | {r["count"]} | {r["seconds"]} | {r["ratePerSecond"]} | {ratio} | {r["p50Ms"]} | {r["p99Ms"]} | {r["failed"]} |')
for r in (r for r in lines if r.get("scenario", "").endswith("-cpu")):
    print(f'\n{r["scenario"]} over {r["seconds"]:.1f} s, % of one core: ' + ", ".join(f"{k} {v}" for k, v in r.items() if k not in ("scenario", "seconds")))
failover = [r for r in lines if r.get("scenario", "").startswith("S4")]
if failover:
    print("\n| scenario | trials | measured | median ms | min ms | max ms |\n| --- | --- | --- | --- | --- | --- |")
    labels = {"beyondNodeMs": "kill -9 -> completed elsewhere, beyond the node's duration",
              "stopToRedispatchMs": "SIGSTOP -> re-dispatched", "stopToStartedElsewhereMs": "SIGSTOP -> started on the other executor"}
    for r in failover:
        print(f'| {r["scenario"]} | {r["trials"]} | {labels.get(r["field"], r["field"])} | {r["medianMs"]} | {r["minMs"]} | {r["maxMs"]} |')
        if r["scenario"] == "S4-stop":  # the second figure of the stop trials, from each trial's row
            started = sorted(t["stopToStartedElsewhereMs"] for t in r["each"])
            print(f'| S4-stop | {r["trials"]} | {labels["stopToStartedElsewhereMs"]} | {round(statistics.median(started), 1)} | {started[0]} | {started[-1]} |')
if s5 := by.get("S5"):
    print(f'\n| S5 ({s5["fires"]} fires, {s5["skipped"]} skipped) | p50 ms | max ms |\n| --- | --- | --- |')
    print(f'| fire drift (Quartz job ran) | {s5["fireDriftP50Ms"]} | {s5["fireDriftMaxMs"]} |')
    print(f'| start drift (workflow row created by the saga) | {s5["startDriftP50Ms"]} | {s5["startDriftMaxMs"]} |')
inflight, history = by.get("S6-inflight"), by.get("S6-history")
if inflight or history:
    print("\n| S6 | figure |\n| --- | --- |")
if inflight:
    n = f'{inflight["workflows"]:,}'
    print(f'| {n} in flight: submitted in | {inflight["submitSeconds"]} s |')
    print(f'| all {n} dispatched after | {inflight["secondsUntilAllDispatched"]} s |')
    print(f'| dispatch latency p50 / p99 | {inflight["dispatchP50Ms"]:,} / {inflight["dispatchP99Ms"]:,} ms |')
    print(f'| orchestrator RSS with {n} in flight | {inflight["orchestratorRssMb"]} MB (lifetime peak `VmHWM` {inflight["orchestratorPeakRssMb"]} MB) |')
if history:
    figures = lambda f: f'{f["p50Ms"]} / {f["p99Ms"]} ms'
    print(f'| {history["rows"]:,} rows: list first page p50 / p99 | {figures(history["listFirstPage"])} |')
    print(f'| list page {history.get("deepPage", 401)} by cursor p50 / p99 | {figures(history["listPage400"])} |')
    print(f'| get by id p50 / p99 | {figures(history["get"])} |')
if end := by.get("run-end"):
    print(f'\nrun took {end["seconds"]} s; load average {" / ".join(map(str, end["loadAverage"]))} at the end')
PY
