#!/usr/bin/env bash
# S4 failover benchmark (issue 5 item 9, issue 7 S4). Two `delay` executors (stable ids, heartbeat 1 s, so the
# orchestrator's heartbeat timeout is 3 s); per trial one workflow with a single node of S4_NODE_SECONDS (10 s).
#   kill trials:  kill -9 the executor running the node S4_KILL_AFTER (2 s) after it started; measure kill -> the
#                 workflow completed elsewhere, and that minus the node's own duration (the failover overhead).
#   stop trials:  SIGSTOP it instead (connection alive, no heartbeats); measure SIGSTOP -> the node re-dispatched, and
#                 SIGSTOP -> the next attempt started on the other executor; then SIGCONT so its late result is fenced.
# Every time comes from one clock: the kill/stop instant from `date`, the rest from the rows the orchestrator wrote.
# Prints one JSON line per trial kind (with every trial's figures) to stdout; progress goes to stderr.
# Standalone: bench/failover.sh (starts services and an orchestrator; BENCH_STORE=mysql, the default, or postgres picks
# the store). bench/run.sh calls it with its own orchestrator running (S_ORCHESTRATOR=running) and the environment
# exported. Knobs: S4_TRIALS (5), S4_NODE_SECONDS (10), S4_KILL_AFTER (2).
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${S4_TRIALS:-5}; NODE_SECONDS=${S4_NODE_SECONDS:-10}; KILL_AFTER=${S4_KILL_AFTER:-2}
source bench/processes.sh

ensure_orchestrator
use_store

executor() { # id: starts (or restarts) one delay executor under a stable id
  start_process "s4-$1" dotnet src/Executors/bin/Release/net10.0/SagaWorkflow.Executors.dll \
    --capabilities delay --concurrency 4 --executor-id "s4-$1" --heartbeat 1s
  wait_until 30 "[ \"\$(sql \"SELECT current_state FROM executors WHERE executor_id = 's4-$1'\")\" = Online ]"
}
now() { date +%s.%N; }

# Waits until the workflow's node runs, then returns the executor id running it.
running_on() {
  # Inside $(...) errexit is off: without the return, a timeout here surfaced later as "bad array subscript".
  wait_until 30 "[ \"\$(sql \"SELECT state FROM workflow_nodes WHERE workflow_id = '$1'\")\" = running ]" || return 1
  sql "SELECT executor_id FROM workflow_nodes WHERE workflow_id = '$1'"
}

trial() { # kind (kill|stop), trial number: prints one JSON object
  local kind=$1 n=$2 id victim victim_pid started signalled
  id=$(cat /proc/sys/kernel/random/uuid)
  submit_workflow "$id" "{\"name\":\"s4-$kind\",\"nodes\":[{\"id\":\"work\",\"capability\":\"delay\",\"input\":{\"ms\":$((NODE_SECONDS * 1000))}}]}"
  victim=$(running_on "$id")
  victim_pid=$(process_pid "$victim")
  started=$(sql "SELECT $(sql_epoch started_at) FROM workflow_nodes WHERE workflow_id = '$id'")
  sleep "$(python3 -c "print(max(0.0, $started + $KILL_AFTER - $(now)))")"
  if [ "$kind" = kill ]; then kill -KILL "$victim_pid"; else kill -STOP "$victim_pid"; fi
  signalled=$(now)
  if [ "$kind" = kill ]; then
    wait_until $((NODE_SECONDS + 60)) "[ \"\$(sql \"SELECT current_state FROM workflow_instances WHERE correlation_id = '$id'\")\" = Completed ]"
    python3 - "$n" "$signalled" "$NODE_SECONDS" "$(sql "SELECT $(sql_epoch finished_at) FROM workflow_instances WHERE correlation_id = '$id'")" \
      "$(sql "SELECT executor_id FROM workflow_nodes WHERE workflow_id = '$id'")" "$victim" <<'PY'
import json, sys
n, killed, node, done, winner, victim = sys.argv[1:]
print(json.dumps({"trial": int(n), "killToDoneMs": round((float(done) - float(killed)) * 1000, 1),
                  "beyondNodeMs": round((float(done) - float(killed) - float(node)) * 1000, 1),
                  "completedOn": winner, "killed": victim}))
PY
    executor "${victim#s4-}"
  else
    wait_until 30 "[ -n \"\$(sql \"SELECT started_at FROM node_attempts WHERE workflow_id = '$id' AND attempt = 2 AND started_at IS NOT NULL\")\" ]"
    python3 - "$n" "$signalled" "$(sql "SELECT $(sql_epoch dispatched_at) FROM node_attempts WHERE workflow_id = '$id' AND attempt = 2")" \
      "$(sql "SELECT $(sql_epoch started_at) FROM node_attempts WHERE workflow_id = '$id' AND attempt = 2")" \
      "$(sql "SELECT executor_id FROM node_attempts WHERE workflow_id = '$id' AND attempt = 2")" "$victim" <<'PY'
import json, sys
n, stopped, redispatched, started, winner, victim = sys.argv[1:]
print(json.dumps({"trial": int(n), "stopToRedispatchMs": round((float(redispatched) - float(stopped)) * 1000, 1),
                  "stopToStartedElsewhereMs": round((float(started) - float(stopped)) * 1000, 1),
                  "reassignedTo": winner, "stopped": victim}))
PY
    kill -CONT "$victim_pid"
    wait_until $((NODE_SECONDS + 60)) "[ \"\$(sql \"SELECT current_state FROM workflow_instances WHERE correlation_id = '$id'\")\" = Completed ]"
    # What became of the frozen attempt once thawed: its late result recorded (fenced off), never applied.
    echo "  first attempt: $(sql "SELECT CONCAT(outcome, ' (', COALESCE(error, ''), '), arrived late: ', CASE WHEN arrived_late THEN 'yes' ELSE 'no' END)
                                  FROM node_attempts WHERE workflow_id = '$id' AND attempt = 1")" >&2
  fi
}

summary() { # kind, file of per-trial JSON lines, the field to summarise
  python3 - "$@" <<'PY'
import json, statistics, sys
kind, path, field = sys.argv[1:]
trials = [json.loads(l) for l in open(path)]
values = sorted(t[field] for t in trials)
print(json.dumps({"scenario": f"S4-{kind}", "trials": len(trials), "field": field, "medianMs": statistics.median(values),
                  "maxMs": values[-1], "minMs": values[0], "each": trials}))
PY
}

executor a; executor b
echo "S4: $TRIALS kill -9 and $TRIALS SIGSTOP trials, node ${NODE_SECONDS}s, signal ${KILL_AFTER}s after start" >&2
kills=$(mktemp); stops=$(mktemp)
# Not piped: a pipeline would run the trial in a subshell, losing the pid of an executor it restarts.
for n in $(seq 1 "$TRIALS"); do trial kill "$n" >> "$kills"; tail -1 "$kills" >&2; done
for n in $(seq 1 "$TRIALS"); do trial stop "$n" >> "$stops"; tail -1 "$stops" >&2; done
summary kill "$kills" beyondNodeMs
summary stop "$stops" stopToRedispatchMs
echo "node_attempts of the S4 workflows (definition, attempt, outcome, arrived late, redelivered from, count):" >&2
sql "SELECT i.definition_name, a.attempt, a.outcome, CASE WHEN a.arrived_late THEN 'yes' ELSE 'no' END, COALESCE(a.redelivered_from, '-'), COUNT(*)
     FROM node_attempts a JOIN workflow_instances i ON i.correlation_id = a.workflow_id
     WHERE i.definition_name LIKE 's4-%' GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3" >&2
