#!/usr/bin/env bash
# Issue 18's bench: S0, S1 and S2 on classic queues of the one-node test broker, then on quorum queues of the three-node
# cluster (scripts/rabbit-cluster.sh), then with two orchestrators, side by side in one run: same store, same counts,
# one orchestrator (two in "classic-2orch") and one noop executor (concurrency 50) each time, started fresh per leg
# and warmed up the same way. The two-orchestrator leg checks docs/scaling.md's model against a measurement. Around S1 and S2 it reads what a
# workflow cost (CPU per process, broker messages, SQL commands, commits: as bench/run.sh's "-cost" lines).
#   BENCH_STORE=mysql|postgres (default mysql), S0_COUNT (5000), S1_COUNT (5000), S2_COUNT (500), WARMUP (2000),
#   CONCURRENCY (50); SCALING_LEGS="classic quorum classic-2orch" (the default; "cluster-classic" adds classic queues on
#   the cluster). In "classic-2orch" the SQL counts are the first orchestrator's alone (each process counts its own).
# Prints one JSON line per scenario (with "leg") and a markdown table. The cluster is started when not running and left
# running (scripts/rabbit-cluster.sh stop); the test broker and store as bench/run.sh leaves them.
# On the cluster the queues' leaders are where they are declared: every process connects to sw-c1 first (the node list
# puts it first; a client picks the first node that answers), so leaders sit on sw-c1 and followers on sw-c2 and sw-c3,
# which is what a three-node deployment with one queue-leader node looks like.
set -euo pipefail
cd "$(dirname "$0")/.."
S0_COUNT=${S0_COUNT:-5000}; S1_COUNT=${S1_COUNT:-5000}; S2_COUNT=${S2_COUNT:-500}; WARMUP=${WARMUP:-2000}
CONCURRENCY=${CONCURRENCY:-50}; SCALING_LEGS=${SCALING_LEGS:-classic quorum classic-2orch}

out="$(mktemp -d)"; export BENCH_LOGS="$out"
echo "process logs and results.jsonl in $out" >&2
source bench/processes.sh
use_services
scripts/rabbit-cluster.sh start >&2
dotnet build SagaWorkflow.sln -c Release -nologo -v q >/dev/null
use_store

# A vhost of this run on the cluster, for the guest user the cluster script allows on loopback.
cluster_api=http://127.0.0.1:15701
cluster_vhost="sagaworkflow-bench-$(date +%s)"
curl -fsS -u guest:guest -X PUT "$cluster_api/api/vhosts/$cluster_vhost" >/dev/null
curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$cluster_api/api/permissions/$cluster_vhost/guest" >/dev/null
single_uri=$SAGAWORKFLOW_TEST_RABBITMQ single_management=$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT

{ python3 -c 'import json, sys; print(json.dumps({"scenario": "run", "date": sys.argv[1], "commit": sys.argv[2], "nproc": int(sys.argv[3]),
  "loadAverage": [float(x) for x in sys.argv[4].split()], "store": sys.argv[5], "legs": sys.argv[6].split()}))' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse HEAD 2>/dev/null || echo unknown)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$BENCH_STORE" "$SCALING_LEGS"; } | tee -a "$out/results.jsonl"

# leg, name to report, driver scenario and its arguments: one driver run, its line renamed and tagged with the leg.
drive() {
  local leg=$1 name=$2; shift 2
  dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll "$SAGAWORKFLOW_TEST_RABBITMQ" "$@" | grep '^{' \
    | python3 -c 'import json, sys; [print(json.dumps({**json.loads(l), "scenario": sys.argv[2], "leg": sys.argv[1]})) for l in sys.stdin]' \
      "$leg" "$name" | tee -a "$out/results.jsonl"
}
# leg, scenario, workflows: the scenario with its cost line ("<scenario>-cost"), tagged with the leg.
drive_with_cost() {
  local leg=$1 scenario=$2 count=$3 cost_before cpu_before cpu_after
  cost_before=$(cost_snapshot); cpu_before=$(cpu_snapshot)
  drive "$leg" "$scenario" "$scenario" "$count" "$CONCURRENCY"
  cpu_after=$(cpu_snapshot)
  cost_report "$scenario" "$count" "$cpu_before" "$cpu_after" "$cost_before" "$(cost_snapshot)" \
    | python3 -c 'import json, sys; [print(json.dumps({**json.loads(l), "leg": sys.argv[1]})) for l in sys.stdin]' "$leg" | tee -a "$out/results.jsonl"
}

# leg: its broker and queue type, fresh processes, the scenarios, processes stopped.
run_leg() {
  local leg=$1
  case "$leg" in
    classic|classic-2orch)
      export SAGAWORKFLOW_TEST_RABBITMQ=$single_uri SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT=$single_management
      export RabbitMq__Uri=$single_uri RabbitMq__QueueType=Classic; unset RabbitMq__Nodes ;;
    quorum|cluster-classic)
      export SAGAWORKFLOW_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5701/$cluster_vhost"
      export SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT="http://guest:guest@127.0.0.1:15701"
      export RabbitMq__Uri=$SAGAWORKFLOW_TEST_RABBITMQ RabbitMq__Nodes="127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703"
      if [ "$leg" = quorum ]; then export RabbitMq__QueueType=Quorum; else export RabbitMq__QueueType=Classic; fi ;;
    *) echo "unknown leg '$leg' (classic, quorum, cluster-classic, classic-2orch)" >&2; exit 2 ;;
  esac
  export Transport__Kind=RabbitMq Logging__LogLevel__Default=Warning Logging__LogLevel__MassTransit=Information \
         Api__Keys__0__Name=bench Api__Keys__0__Key="$BENCH_API_KEY"
  start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
  if [ "$leg" = classic-2orch ]; then
    Api__Urls=http://127.0.0.1:5081 start_process orchestrator-b dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
  fi
  start_process executor dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll --capabilities noop --concurrency "$CONCURRENCY"
  drive "$leg" S0 S0 "$S0_COUNT" "$CONCURRENCY"
  drive "$leg" S1-warmup S1 "$WARMUP" "$CONCURRENCY"
  drive_with_cost "$leg" S1 "$S1_COUNT"
  drive_with_cost "$leg" S2 "$S2_COUNT"
  stop_process executor
  stop_process orchestrator-b
  stop_process orchestrator
}

for leg in $SCALING_LEGS; do run_leg "$leg"; done
curl -fsS -u guest:guest -X DELETE "$cluster_api/api/vhosts/$cluster_vhost" >/dev/null || true

python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
legs = rows[0]["legs"]
def find(leg, scenario):
    return next((r for r in rows if r.get("leg") == leg and r["scenario"] == scenario), None)
print()
print("| figure | " + " | ".join(legs) + " |")
print("| --- |" + " --- |" * len(legs))
def line(label, scenario, key, fmt="{:,.1f}"):
    cells = []
    for leg in legs:
        r = find(leg, scenario)
        cells.append(fmt.format(r[key]) if r and r.get(key) is not None else "")
    print(f"| {label} | " + " | ".join(cells) + " |")
line("S0 round trips/s (bus alone)", "S0", "ratePerSecond")
line("S1 workflows/s", "S1", "ratePerSecond")
line("S1 p50 ms (queued behind the burst)", "S1", "p50Ms")
line("S2 chains/s", "S2", "ratePerSecond")
for scenario, per in (("S1-cost", "workflow"), ("S2-cost", "chain")):
    line(f"{scenario[:2]} per {per}: orchestrator CPU ms", scenario, "orchestratorCpuMs", "{:.2f}")
    line(f"{scenario[:2]} per {per}: RabbitMQ CPU ms (all nodes)", scenario, "rabbitmqCpuMs", "{:.2f}")
    line(f"{scenario[:2]} per {per}: database CPU ms", scenario, "databaseCpuMs", "{:.2f}")
    line(f"{scenario[:2]} per {per}: broker messages published", scenario, "published", "{:.2f}")
    line(f"{scenario[:2]} per {per}: commits", scenario, "commits", "{:.2f}")
PY
