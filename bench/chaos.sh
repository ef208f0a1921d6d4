#!/usr/bin/env bash
# Chaos benchmark (issue 13 item 4): CHAOS_COUNT (3000) three-node workflows (noop -> delay CHAOS_DELAY_MS (3000) ->
# transform) on one orchestrator and three executors (CHAOS_CONCURRENCY, 8, each), while the faults of a normal week
# strike one after another, each once the run is going again after the previous one:
#   RabbitMQ down 5 s, RabbitMQ down 60 s, the database down 5 s, the database down 60 s (scripts/fault.sh), and the
#   orchestrator killed with -9 and started again, three times.
# For each fault it prints one JSON line: when it struck, how long the service was away, and the recovery time — from
# the service being back (or the new orchestrator started) to the next node completing; "stalled" is from the fault
# striking to that completion. At the end it checks what the fault tests check, over the whole run: every workflow
# completed, every node has exactly one applied success in node_attempts, and no message waits in an _error queue.
# An orchestrator kill also prints a "chaos-outbox" line: how many outbox rows the dead one left, and how long until
# they were delivered, from the new orchestrator being ready (or from the kill with CHAOS_ORCHESTRATORS=2, when the
# survivor takes them over).
# BENCH_STORE=mysql (default) or postgres. CHAOS_FAULTS picks and orders faults (default
# "broker:5 broker:60 database:5 database:60 orchestrator orchestrator orchestrator").
# It restarts the shared services: do not run it beside the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${CHAOS_COUNT:-3000}; DELAY_MS=${CHAOS_DELAY_MS:-3000}; CONCURRENCY=${CHAOS_CONCURRENCY:-8}; ORCHESTRATORS=${CHAOS_ORCHESTRATORS:-1}
FAULTS=${CHAOS_FAULTS:-"broker:5 broker:60 database:5 database:60 orchestrator orchestrator orchestrator"}
run_started=$(date +%s)
source bench/processes.sh
use_services
dotnet build SagaWorkflow.sln -c Release -nologo -v q >/dev/null
use_store
# Messages a killed orchestrator committed but had not yet sent are its outbox rows, delivered by the next orchestrator
# (issue 19); the stale-dispatch sweeper keeps its 2-minute default, so a stall it would have to end shows as one.
export Transport__Kind=RabbitMq RabbitMq__Uri="$SAGAWORKFLOW_TEST_RABBITMQ" Logging__LogLevel__Default=Warning \
       Logging__LogLevel__MassTransit=Information
start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
# CHAOS_ORCHESTRATORS=2: a second one runs beside the one the faults kill, and takes over its outbox rows.
if [ "$ORCHESTRATORS" = 2 ]; then
  Api__Urls=http://127.0.0.1:5081 start_process orchestrator-b dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
fi
for i in 1 2 3; do
  start_process "executor-$i" dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll \
    --capabilities noop,delay,transform --concurrency "$CONCURRENCY" --executor-id "chaos-$i"
done
database=$(by_store mysql postgres)

succeeded() { sql "SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'" 2>/dev/null || echo -1; }
now() { date +%s.%N; }
# Waits until a node completes after this moment (the count grows past what it is now), or every node has (a fault
# late in the run may find nothing left to do); prints that moment.
next_completion() {
  local before
  before=$(succeeded)
  wait_until 600 "[ \"\$(succeeded)\" -gt $before ] || [ \"\$(succeeded)\" -ge $((COUNT * 3)) ]" >&2
  now
}

BENCH_CHAOS_DELAY_MS=$DELAY_MS dotnet bench/SagaWorkflow.Bench/bin/Release/net10.0/SagaWorkflow.Bench.dll \
  "$SAGAWORKFLOW_TEST_RABBITMQ" chaos-submit "$COUNT" >&2
echo "submitted $COUNT workflows; waiting for the run to get going" >&2
wait_until 120 "[ \"\$(succeeded)\" -ge 100 ]"

kills=0
for fault in $FAULTS; do
  kind=${fault%%:*}; seconds=${fault#*:}
  # Strike while work runs; the next fault waits until a node completed after this one, so each recovery stands alone.
  struck=$(now); done_before=$(succeeded)
  case "$kind" in
    broker|database)
      service=$([ "$kind" = broker ] && echo rabbitmq || echo "$database")
      scripts/fault.sh stop "$service"
      sleep "$seconds"
      scripts/fault.sh start "$service"
      ;;
    orchestrator)
      seconds=0; kills=$((kills + 1))
      owner=$(sql "SELECT owner_id FROM outbox_owners WHERE process = '$(hostname)/$(process_pid orchestrator)'")
      kill -KILL "$(process_pid orchestrator)"
      struck=$(now)
      # What it had committed and not yet sent (or sent and not yet forgotten): the work that waits for its outbox rows.
      orphaned=$(sql "SELECT COUNT(*) FROM outbox_messages WHERE owner_id = '$owner'")
      if [ "$ORCHESTRATORS" = 2 ]; then
        # The survivor takes the rows over; measured from the kill, then the killed one comes back for the next round.
        wait_until 120 "[ \"\$(sql \"SELECT COUNT(*) FROM outbox_messages WHERE owner_id = '$owner'\")\" = 0 ]"
        delivered=$(now)
        start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
        outbox_from=$struck
      else
        start_process orchestrator dotnet src/Orchestrator/bin/Release/net10.0/SagaWorkflow.Orchestrator.dll serve
        outbox_from=$(now)
        wait_until 120 "[ \"\$(sql \"SELECT COUNT(*) FROM outbox_messages WHERE owner_id = '$owner'\")\" = 0 ]"
        delivered=$(now)
      fi
      python3 -c 'import json, sys; store, n, rows, since, done = sys.argv[1:]
print(json.dumps({"scenario": "chaos-outbox", "store": store, "orchestrators": int(n), "orphanedOutboxRows": int(rows),
  "outboxRecoverySeconds": round(float(done) - float(since), 2), "measuredFrom": "kill" if n == "2" else "new orchestrator ready"}))' \
        "$BENCH_STORE" "$ORCHESTRATORS" "$orphaned" "$outbox_from" "$delivered"
      ;;
    *) echo "unknown fault '$fault' in CHAOS_FAULTS" >&2; exit 2 ;;
  esac
  back=$(now)
  resumed=$(next_completion)
  python3 -c 'import json, sys; store, k, s, struck, back, resumed, before, total = sys.argv[1:]
print(json.dumps({"scenario": "chaos", "store": store, "fault": k, "downSeconds": float(s),
  "recoverySeconds": round(float(resumed) - float(back), 2), "stalledSeconds": round(float(resumed) - float(struck), 2),
  "nodesDoneBefore": int(before), "nodesTotal": int(total)}))' \
    "$BENCH_STORE" "$kind" "$seconds" "$struck" "$back" "$resumed" "$done_before" "$((COUNT * 3))"
done

echo "faults done; waiting for the last workflows" >&2
wait_until 1200 "[ \"\$(sql \"SELECT COUNT(*) FROM workflow_instances WHERE current_state IN ('Completed','Failed','Cancelled')\")\" -ge $COUNT ]"
completed=$(sql "SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'")
not_once=$(sql "SELECT COUNT(*) FROM workflow_nodes n WHERE (SELECT COUNT(*) FROM node_attempts a WHERE a.workflow_id = n.workflow_id
  AND a.node_id = n.node_id AND a.outcome = 'succeeded' AND NOT a.arrived_late) <> 1")
later=$(sql "SELECT COUNT(*) FROM node_attempts WHERE attempt > 1")
redelivered=$(sql "SELECT COUNT(*) FROM node_attempts WHERE redelivered_from IS NOT NULL")
vhost=${SAGAWORKFLOW_TEST_RABBITMQ##*/}
errors=$(curl -fsS "$SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT/api/queues/$vhost" \
  | python3 -c 'import json, sys; print(sum(q.get("messages", 0) for q in json.load(sys.stdin) if q["name"].endswith("_error")))')
python3 -c 'import json, sys; n, co, no, la, re, er, s, store = sys.argv[1:]
print(json.dumps({"scenario": "chaos-end", "store": store, "workflows": int(n), "completed": int(co), "nodesNotAppliedOnce": int(no),
  "laterAttempts": int(la), "redeliveredToAnotherExecutor": int(re), "errorQueueMessages": int(er), "seconds": int(s)}))' \
  "$COUNT" "$completed" "$not_once" "$later" "$redelivered" "$errors" "$(( $(date +%s) - run_started ))" "$BENCH_STORE"
[ "$completed" = "$COUNT" ] && [ "$not_once" = 0 ] && [ "$errors" = 0 ]
