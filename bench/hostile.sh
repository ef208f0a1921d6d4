#!/usr/bin/env bash
# Hostile input against one orchestrator (issue 13, item 5): does its memory stay bounded while bad requests and bad
# messages arrive? Not a test (nothing here asserts); it prints one JSON line per burst with the orchestrator's RSS.
#   warm-up: HOSTILE_WARMUP (200) of each kind below, so JIT and pools are in place before the first reading.
#   bursts:  HOSTILE_BURSTS (2) bursts of HOSTILE_COUNT (1,000) HTTP requests and HOSTILE_COUNT messages each:
#            requests cycle through JSON nested 10,000 deep, a Latin-1 body, a 2 MB body (over Api:MaxRequestBytes, so
#            413), a 10,001-node definition and a body cut short; messages through an empty body, 4 KiB of random bytes,
#            '{}', an invalid inline definition, a body over Orchestrator:MaxSubmitBytes (one in ten: 1.1 MB) on
#            workflow-submit, and a NodeCompleted for an unknown workflow on workflow-state.
# After each burst it waits until both queues are empty and every bad message sits in an error queue, then reads VmRSS
# (and the lifetime peak VmHWM) of the orchestrator. Run: bench/hostile.sh (BENCH_STORE as for the other scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processes.sh
ensure_orchestrator
orchestrator_pid=${BENCH_ORCHESTRATOR_PID:-$(process_pid orchestrator)}
export HOSTILE_PID=$orchestrator_pid HOSTILE_API=$BENCH_API HOSTILE_KEY=$BENCH_API_KEY
python3 - "${HOSTILE_WARMUP:-200}" "${HOSTILE_COUNT:-1000}" "${HOSTILE_BURSTS:-2}" <<'PY'
import base64, json, os, random, subprocess, sys, tempfile, time, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, quote

warmup, count, bursts = (int(a) for a in sys.argv[1:])
api, key, pid = os.environ["HOSTILE_API"], os.environ["HOSTILE_KEY"], os.environ["HOSTILE_PID"]
amqp = urlsplit(os.environ["SAGAWORKFLOW_TEST_RABBITMQ"]); vhost = quote(amqp.path[1:], safe="")
mgmt = urlsplit(os.environ["SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT"])
auth = "Basic " + base64.b64encode(f"{mgmt.username}:{mgmt.password}".encode()).decode()
base = f"{mgmt.scheme}://{mgmt.hostname}:{mgmt.port}"

def status(path):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(path): return int(line.split()[1]) // 1024

def call(method, url, body=b"", headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r: return r.status, r.read()
    except urllib.error.HTTPError as e: return e.code, e.read()

nodes = lambda n: {"name": "hostile", "nodes": [{"id": f"n{i}", "capability": "noop"} for i in range(n)]}
requests = [
    ("POST", "/api/v1/workflows", b'{"definition":' + b"[" * 10000 + b"]" * 10000 + b"}"),
    ("POST", "/api/v1/workflows", b'{"definition":{"name":"caf\xe9","nodes":[{"id":"a","capability":"noop"}]}}'),
    ("POST", "/api/v1/workflows", b'{"input":"' + b"x" * 2_000_000 + b'"}'),
    ("PUT", "/api/v1/definitions/hostile", json.dumps(nodes(10_001)).encode()),
    ("POST", "/api/v1/workflows", b'{"definition":{"name":"cut'),
]
bodies = []
for method, path, body in requests:
    with tempfile.NamedTemporaryFile(delete=False) as f: f.write(body); bodies.append((method, path, f.name))
# curl, not urllib: the API answers 413 before a 2 MB body is uploaded, and curl reads that answer while it sends.
def request(i):
    method, path, file = bodies[i % len(bodies)]
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-H", f"Authorization: Bearer {key}",
                          "-H", "Content-Type: application/json", "--data-binary", "@" + file, api + path], capture_output=True, text=True)
    return int(out.stdout or 0)

rng = random.Random(13)
valid = {"name": "hostile", "nodes": [{"id": "a", "capability": "noop"}]}
submits = [b"", bytes(rng.getrandbits(8) for _ in range(4096)), b"{}", b'{"definition":{"name":"","nodes":[]}}']
huge = json.dumps({"definition": valid, "input": {"blob": "x" * 1_100_000}}).encode()
def publish(exchange, body, content_type="application/json"):
    payload = {"properties": {"content_type": content_type, "message_id": str(uuid.uuid4()), "delivery_mode": 2}, "routing_key": "",
               "payload": base64.b64encode(body).decode(), "payload_encoding": "base64"}
    code, text = call("POST", f"{base}/api/exchanges/{vhost}/{exchange}/publish", json.dumps(payload).encode(),
                      {"Authorization": auth, "Content-Type": "application/json"})
    assert code == 200 and b'"routed":true' in text, (code, text)
def message(i):
    if i % 6 == 5:
        envelope = {"messageId": str(uuid.uuid4()), "messageType": ["urn:message:SagaWorkflow.Contracts:NodeCompleted"],
                    "message": {"workflowId": str(uuid.uuid4()), "nodeId": "a", "attempt": 1, "executorId": "nobody"}}
        publish("workflow-state", json.dumps(envelope).encode(), "application/vnd.masstransit+json"); return "state"
    publish("workflow-submit", huge if i % 10 == 9 else submits[i % 4]); return "submit"

def queues():
    _, text = call("GET", f"{base}/api/queues/{vhost}", headers={"Authorization": auth})
    return {q["name"]: q.get("messages", 0) for q in json.loads(text)}

# What the error queues already hold (an earlier run on the same vhost) is the baseline, not part of this run.
errors = {k: queues().get(k, 0) for k in ("workflow-submit_error", "workflow-state_error")}
def burst(name, n):
    started = time.time()
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(request, range(n)))
        kinds = list(pool.map(message, range(n)))
    errors["workflow-submit_error"] += kinds.count("submit"); errors["workflow-state_error"] += kinds.count("state")
    deadline = time.time() + 600
    while True:
        q = queues()
        if all(q.get(k, 0) == v for k, v in errors.items()) and q.get("workflow-submit", 0) == 0 and q.get("workflow-state", 0) == 0: break
        if time.time() > deadline: raise SystemExit(f"queues never settled: {q}, expected {errors}")
        time.sleep(1)
    print(json.dumps({"scenario": "hostile", "burst": name, "requests": n, "messages": n, "seconds": round(time.time() - started, 1),
                      "answers": {str(c): codes.count(c) for c in sorted(set(codes))}, "errorQueues": dict(errors),
                      "orchestratorRssMb": status("VmRSS"), "orchestratorPeakRssMb": status("VmHWM")}), flush=True)

print(json.dumps({"scenario": "hostile", "burst": "start", "orchestratorRssMb": status("VmRSS")}), flush=True)
burst("warm-up", warmup)
for b in range(1, bursts + 1): burst(f"burst {b}", count)
PY
