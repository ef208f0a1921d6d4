#!/usr/bin/env bash
# Runs the benchmark scenarios against real RabbitMQ and a real saga store started the same way the tests start them,
# with one orchestrator and one executor process (concurrency 50) in Release, and prints one JSON line per scenario plus
# markdown tables; S1 runs again with a second executor process (S1-2exec); S4 (failover) runs bench/failover.sh with
# two more executors (S4=0 skips it), S5 bench/cron.sh (S5=0 skips it), S6 bench/scale.sh (S6=0 skips it). Counts
# default to the figures of issue 7; override for a quick run, e.g. S1_COUNT=2000 bench/run.sh (S3_SINGLE: how many
# fan-outs S3-single times one after another, default 10; and S4_TRIALS, S4_NODE_SECONDS, S5_SECONDS, S6_INFLIGHT,
# S6_ROWS for the scripts it calls).
# Around S1, S2 and S3 it reads the orchestrator's database counters (/metrics) and the vhost's message counts (RabbitMQ
# management API) and prints their cost per workflow with the CPU figures. S7 (issue 15's wide fan-out) runs one
# workflow of 1 + N + 1 noop nodes per N in S7_CHILDREN (default "200 1000 10000"; empty skips it), distributed and in
# local mode (the `run` verb), each given S7_TIMEOUT seconds (default 300).
# The store: BENCH_STORE=mysql (the default: MariaDB or MySQL) or BENCH_STORE=postgres, e.g. BENCH_STORE=postgres
# bench/run.sh. PG_TUNED=1 (PostgreSQL only; ignored on mysql) runs with synchronous_commit=off on the benchmark database.
# The first JSON line (scenario "run") records the machine, versions (the store and its server version included), the
# store's durability setting and load average; the last ("run-end") the load average and the run's duration.
# With SAGAWORKFLOW_TEST_RABBITMQ, SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT and the store's variable
# (SAGAWORKFLOW_TEST_MYSQL or SAGAWORKFLOW_TEST_POSTGRES) all set it runs against them; otherwise it calls
# scripts/test.sh --services-only (a fresh vhost and databases beside any others).
# Services stay running afterwards; stop them with:
#   RABBITMQ_NODENAME=rabbit@localhost rabbitmqctl shutdown; pg_ctlcluster 15 main stop; mariadb-admin shutdown
set -euo pipefail
cd "$(dirname "$0")/.."

S0_COUNT=${S0_COUNT:-20000}; S1_COUNT=${S1_COUNT:-20000}; S1_SERIAL=${S1_SERIAL:-200}
S2_COUNT=${S2_COUNT:-2000}; S3_COUNT=${S3_COUNT:-20}; S3_SINGLE=${S3_SINGLE:-10}; CONCURRENCY=${CONCURRENCY:-50}; WARMUP=${WARMUP:-5000}
S7_CHILDREN=${S7_CHILDREN-200 1000 10000}; S7_TIMEOUT=${S7_TIMEOUT:-300}

run_started=$(date +%s.%N); load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
out="$(mktemp -d)"; export BENCH_LOGS="$out"
echo "process logs and results.jsonl in $out" >&2
source bench/processes.sh
use_services
dotnet build SagaWorkflow.sln -c Release -nologo -v q >/dev/null
if [ "${PG_TUNED:-0}" = 1 ] && [ "$BENCH_STORE" != postgres ]; then
  echo "PG_TUNED=1 applies to PostgreSQL only: ignored with BENCH_STORE=$BENCH_STORE" >&2
elif [ "${PG_TUNED:-0}" = 1 ]; then
  # Tuned variant: commits return before the WAL reaches disk (a crash can lose the last few ms of commits).
  db=$(echo "$SAGAWORKFLOW_TEST_POSTGRES" | sed -E 's/.*Database=([^;]*).*/\1/')
  runuser -u postgres -- psql -X -q -c "ALTER DATABASE \"$db\" SET synchronous_commit = off"
fi
use_store
export Transport__Kind=RabbitMq RabbitMq__Uri="$SAGAWORKFLOW_TEST_RABBITMQ" Logging__LogLevel__Default=Warning \
       Logging__LogLevel__MassTransit=Information Api__Keys__0__Name=bench Api__Keys__0__Key="$BENCH_API_KEY"
start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
start_process executor dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities noop --concurrency "$CONCURRENCY"

# The run header: what the figures were measured on. Server versions and settings are asked of the servers themselves
# (the store's durability setting: PostgreSQL's synchronous_commit of a new session on the benchmark database, so
# PG_TUNED's ALTER DATABASE shows; MySQL's innodb_flush_log_at_trx_commit).
durability_setting=$(by_store innodb_flush_log_at_trx_commit synchronous_commit)
{ python3 - "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  "$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$load_at_start" "$(dotnet --version)" \
  "$(curl -fsS "$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT/api/overview" | python3 -c 'import json, sys; print(json.load(sys.stdin)["rabbitmq_version"])')" \
  "$BENCH_STORE" "$(sql "$(by_store 'SELECT VERSION()' 'SHOW server_version')")" \
  "$(sed -nE 's:.*<MassTransitVersion>([^<]*)</MassTransitVersion>.*:\1:p' Directory.Packages.props)" \
  "$durability_setting" "$(sql "$(by_store "SELECT @@$durability_setting" "SHOW $durability_setting")")" "$CONCURRENCY" <<'PY'
import json, sys
date, commit, dirty, cores, cpu, load, dotnet, rabbitmq, store, store_version, masstransit, durability_setting, durability, concurrency = sys.argv[1:]
print(json.dumps({"scenario": "run", "date": date, "commit": commit, "uncommittedChanges": dirty == "true",
                  "nproc": int(cores), "cpuModel": cpu, "loadAverage": [float(x) for x in load.split()], "dotnet": dotnet,
                  "rabbitmq": rabbitmq, "store": store, "storeVersion": store_version, "massTransit": masstransit,
                  "durabilitySetting": durability_setting, "durability": durability,
                  "executorConcurrency": int(concurrency), "durableQueues": True}))
PY
} | tee -a "$out/results.jsonl"
# scenario name to report, driver arguments: one driver run, its JSON line renamed (the driver knows S1, not S1-2exec).
bench_as() {
  local name=$1; shift
  dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll "$SAGAWORKFLOW_TEST_RABBITMQ" "$@" \
    | sed "s/\"scenario\":\"$1\"/\"scenario\":\"$name\"/" | tee -a "$out/results.jsonl"
}
bench() { bench_as "$1" "$@"; }
# scenario name, driver arguments: the scenario, then each process's CPU over it as % of one core (what bounds it; the
# header's nproc says how many cores there are in all).
# The two snapshots stay in cpu_before and cpu_after for bench_with_cost.
bench_with_cpu() {
  local name=$1 started ended; shift
  cpu_before=$(cpu_snapshot); started=$(date +%s.%N)
  bench_as "$name" "$@"
  ended=$(date +%s.%N); cpu_after=$(cpu_snapshot)
  cpu_report "$name" "$(awk -v s="$started" -v e="$ended" 'BEGIN { print e - s }')" "$cpu_before" "$cpu_after" | tee -a "$out/results.jsonl"
}
# scenario name, workflows it runs, driver arguments: bench_with_cpu, then what one workflow cost (issue 15): CPU ms
# per process, broker messages, SQL commands and commits per workflow ("<name>-cost"; cost_snapshot says what is read).
bench_with_cost() {
  local name=$1 workflows=$2 cost_before; shift 2
  cost_before=$(cost_snapshot)
  bench_with_cpu "$name" "$@"
  cost_report "$name" "$workflows" "$cpu_before" "$cpu_after" "$cost_before" "$(cost_snapshot)" | tee -a "$out/results.jsonl"
}
bench_with_cpu S0 S0 "$S0_COUNT" "$CONCURRENCY"
# Warm-up: the first few thousand workflows run on code still being JIT-compiled and re-tiered (measured: the first
# 4,000 at ~230/s, the next 4,000 at ~400/s on the same processes). Its rate is reported as S1-warmup; the scenarios
# after it measure the processes as a long-running deployment runs.
bench_as S1-warmup S1 "$WARMUP" "$CONCURRENCY"
# While S1 runs flat out, an operator's SQL client must still get in (the connection budget, Database__MaxConnections).
connection_probe_start
bench_with_cost S1 "$S1_COUNT" S1 "$S1_COUNT" "$CONCURRENCY"
connection_probe_stop S1 | tee -a "$out/results.jsonl"
# S1 again with a second noop executor process on the same settings (the issue's "then 2 executors"); it is fresh, not
# warmed up, which costs little (an executor's CPU is a few % of S1's). Stopped afterwards (SIGTERM: it drains and
# exits) so the later scenarios run on the one-executor setup the table describes.
start_process executor-2 dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities noop --concurrency "$CONCURRENCY"
bench_with_cpu S1-2exec S1 "$S1_COUNT" "$CONCURRENCY"
stop_process executor-2
bench S1-serial "$S1_SERIAL" "$CONCURRENCY"
bench_with_cost S2 "$S2_COUNT" S2 "$S2_COUNT" "$CONCURRENCY"
bench_with_cost S3 "$S3_COUNT" S3 "$S3_COUNT" "$CONCURRENCY"
bench S3-single "$S3_SINGLE" "$CONCURRENCY"
# S7 wide fan-out (issue 15): one workflow of a root, N noop children and a join, per N in S7_CHILDREN, in distributed
# mode on the processes above (with the orchestrator's RSS at the end and its peak while the shape ran), then the same
# shapes in local mode (the `run` verb, SQLite). A shape that has not finished after S7_TIMEOUT seconds is reported as
# timed out (and cancelled, or killed in local mode). S7_CHILDREN= (empty) skips S7.
for n in $S7_CHILDREN; do
  rss_peak_file=$(mktemp)
  ( while :; do awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$(process_pid orchestrator)/status"; sleep 0.5; done > "$rss_peak_file" ) &
  rss_sampler=$!
  line=$(BENCH_S7_TIMEOUT="$S7_TIMEOUT" dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll \
    "$SAGAWORKFLOW_TEST_RABBITMQ" S7 "$n" "$CONCURRENCY" | grep '^{' | tail -1)
  kill "$rss_sampler" 2>/dev/null || true; wait "$rss_sampler" 2>/dev/null || true
  read -r rss hwm < <(process_rss_mb orchestrator)
  python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(orchestratorRssMb=int(sys.argv[2]), orchestratorPeakRssMbWhileRunning=max([int(x) for x in open(sys.argv[3]).read().split()] or [0]), orchestratorLifetimePeakRssMb=int(sys.argv[4])); print(json.dumps(r))' \
    "$line" "$rss" "$rss_peak_file" "$hwm" | tee -a "$out/results.jsonl"
  rm -f "$rss_peak_file"
done
for n in $S7_CHILDREN; do local_fan_out "$n" "$S7_TIMEOUT" | tee -a "$out/results.jsonl"; done
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
store = {"mysql": "MySQL", "postgres": "PostgreSQL"}.get(run and run.get("store"), "database")
if run:
    print(f'\nrun {run["date"]}, commit {run["commit"][:12]}{" (with uncommitted changes)" if run["uncommittedChanges"] else ""}: '
          f'{run["nproc"]} cores ({run["cpuModel"]}), load average {" / ".join(map(str, run["loadAverage"]))} at start; '
          f'.NET {run["dotnet"]}, RabbitMQ {run["rabbitmq"]}, {store} {run["storeVersion"]} ({run["durabilitySetting"]} = '
          f'{run["durability"]}), MassTransit {run["massTransit"]}, executor concurrency {run["executorConcurrency"]}, durable queues')
rows = [r for r in lines if "ratePerSecond" in r]
base = next((r["ratePerSecond"] for r in rows if r["scenario"] == "S0"), None)
print("\n| scenario | count | seconds | rate/s | vs S0 | p50 ms | p99 ms | failed |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    ratio = f'{r["ratePerSecond"] / base:.0%}' if base else "-"
    print(f'| {r["scenario"]} | {r["count"]} | {r["seconds"]} | {r["ratePerSecond"]} | {ratio} | {r["p50Ms"]} | {r["p99Ms"]} | {r["failed"]} |')
for r in (r for r in lines if r.get("scenario", "").endswith("-connections")):
    print(f'\n{r["scenario"][:-len("-connections")]}: an operator\'s SQL session every 0.5 s got in {r["probes"] - r["refused"]} of {r["probes"]} times; '
          f'the benchmark\'s user held {r["medianSessions"]} sessions (median), {r["peakSessions"]} at most')
cpu = [r for r in lines if r.get("scenario", "").endswith("-cpu")]
if cpu:  # cpu_report's names: orchestrator, executor (executor-2), database (the store), rabbitmq, machine
    pct = lambda v: v.replace("%", " %")
    print(f"\nCPU over each scenario, % of one core (`machine` is every process together; {run['nproc'] * 100 if run else '?'} % is all cores busy):")
    print(f"\n| scenario | seconds | orchestrator | executor(s) | {store} | RabbitMQ | machine |\n| --- | --- | --- | --- | --- | --- | --- |")
    for r in cpu:
        executors = pct(r["executor"]) + (f' + {pct(r["executor-2"])}' if "executor-2" in r else "")
        print(f'| {r["scenario"][:-len("-cpu")]} | {r["seconds"]:.1f} | {pct(r["orchestrator"])} | {executors} | {pct(r["database"])} | '
              f'{pct(r["rabbitmq"])} | {pct(r["machine"])} |')
costs = [r for r in lines if r.get("scenario", "").endswith("-cost")]
if costs:  # cost_report's per-workflow figures; docs/benchmarks.md, "Cost per workflow", says what each includes
    unit = {"S1": "workflow (1 node)", "S2": "chain (5 nodes)", "S3": "fan-out (1 + 200 + 1 nodes)"}
    print("\nCost per workflow: CPU time of each process, messages in the broker's vhost, what the orchestrator sent its database:")
    print(f"\n| scenario | per | orchestrator CPU ms | {store} CPU ms | RabbitMQ CPU ms | executor CPU ms | broker published | "
          f"broker delivered | SQL commands | commits | savepoints |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in costs:
        name = r["scenario"][:-len("-cost")]
        print(f'| {name} | {unit.get(name, "workflow")} | {r["orchestratorCpuMs"]} | {r["databaseCpuMs"]} | {r["rabbitmqCpuMs"]} | '
              f'{r["executorCpuMs"]} | {r["published"]} | {r["delivered"]} | {r["sqlCommands"]} | {r["commits"]} | {r["savepoints"]} |')
distributed = {r["children"]: r for r in lines if r.get("scenario") == "S7"}
local = {r["children"]: r for r in lines if r.get("scenario") == "S7-local"}
if distributed or local:
    widths = sorted(set(distributed) | set(local))
    base = 200 if 200 in widths else widths[0]
    def cells(r, base_r):
        if r is None:
            return ["-", "-", "-"]
        if r["outcome"] != "completed":
            return [r["outcome"] + (f' after {r["timeoutSeconds"]:g} s' if r["outcome"] == "timed out" else ""), "-", "-"]
        ratio = f'{r["msPerChild"] / base_r["msPerChild"]:.2f}' if base_r and base_r.get("msPerChild") else "-"
        return [str(r["seconds"]), str(r["msPerChild"]), ratio]
    print(f"\nS7 wide fan-out, one workflow of 1 + N + 1 noop nodes (seconds submit -> completed; ratio = ms per child / ms per child at {base}):")
    print(f"\n| children | distributed s | ms per child | ratio | local s | ms per child | ratio | local process s | "
          f"orchestrator RSS MB (end / peak during) | local RSS MB (peak) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in widths:
        d, l = distributed.get(n), local.get(n)
        rss = f'{d["orchestratorRssMb"]} / {d["orchestratorPeakRssMbWhileRunning"]}' if d else "-"
        print(f'| {n:,} | {" | ".join(cells(d, distributed.get(base)))} | {" | ".join(cells(l, local.get(base)))} | '
              f'{l["processSeconds"] if l else "-"} | {rss} | {l["peakRssMb"] if l else "-"} |')
    for r in [*distributed.values(), *local.values()]:
        if r.get("rejection"):
            print(f'\n{r["scenario"]} {r["children"]:,} children rejected: {r["rejection"]}')
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
