#!/usr/bin/env bash
# S5 cron drift (issue 7): a schedule firing every second for S5_SECONDS (15) through the orchestrator's API; for each
# planned second, the drift of the fire (schedule_fires.recorded_at - fire_time, taken when the Quartz job ran) and of
# the workflow start (workflow_instances.created_at - scheduled_fire_time, i.e. through the bus and the saga).
# Prints one JSON line. Standalone: bench/cron.sh (BENCH_STORE=mysql, the default, or postgres picks the store);
# bench/run.sh calls it with its orchestrator running.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${S5_SECONDS:-15}
source bench/processes.sh
ensure_orchestrator
use_store

id="s5-drift-$(date +%s)"
# No executor is needed: drift ends when the saga has started the workflow (its row exists).
api POST /api/v1/schedules "{\"id\":\"$id\",\"cron\":\"* * * * * ?\",\"timeZone\":\"UTC\",\"workflow\":{\"name\":\"s5\",\"nodes\":[{\"id\":\"a\",\"capability\":\"s5-none\"}]}}" >/dev/null
echo "S5: schedule $id every second for ${SECONDS_TO_RUN}s" >&2
sleep "$SECONDS_TO_RUN"
api DELETE "/api/v1/schedules/$id" >/dev/null
# The last fires may still be on their way through the saga.
wait_until 30 "[ \"\$(sql \"SELECT COUNT(*) FROM schedule_fires f LEFT JOIN workflow_instances w ON w.correlation_id = f.workflow_id WHERE f.schedule_id = '$id' AND f.outcome = 'fired' AND w.correlation_id IS NULL\")\" = 0 ]"

sql "SELECT ($(sql_epoch f.recorded_at) - $(sql_epoch f.fire_time)) * 1000, ($(sql_epoch w.created_at) - $(sql_epoch f.fire_time)) * 1000, f.outcome
     FROM schedule_fires f LEFT JOIN workflow_instances w ON w.correlation_id = f.workflow_id
     WHERE f.schedule_id = '$id' ORDER BY f.fire_time" | python3 -c '
import json, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin if l.strip()]
fired = [(float(a), float(b)) for a, b, outcome in rows if outcome == "fired" and b]
fire, start = sorted(f for f, _ in fired), sorted(s for _, s in fired)
print(json.dumps({"scenario": "S5", "fires": len(fired), "skipped": sum(1 for r in rows if r[2] != "fired"),
    "fireDriftP50Ms": round(statistics.median(fire), 1), "fireDriftMaxMs": round(fire[-1], 1),
    "startDriftP50Ms": round(statistics.median(start), 1), "startDriftMaxMs": round(start[-1], 1)}))'
