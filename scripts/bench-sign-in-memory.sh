#!/usr/bin/env bash
# Memory of `trellis serve` under a burst of concurrent sign-ins: C clients (default 64), each
# signing in R times (default 8) with the right password through POST /api/v1/tokens, all at
# once. Reports the answers by status, their latency, and the server's peak memory: VmHWM
# (peak resident, everything) and the peak RssAnon sampled every 20 ms (the heap, where each
# Argon2id hash holds ~19 MiB while it runs).
# Usage: bash scripts/bench-sign-in-memory.sh [clients] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-64}"
rounds="${2:-8}"
cargo build --release -q -p trellis
bin="$PWD/target/release/trellis"
dir="$(mktemp -d)"
cd "$dir"
export TRELLIS_LOG=warn TRELLIS_RUN_JOBS=false
export TRELLIS_PASSWORD="benchmark sign-in password"
"$bin" migrate >/dev/null
"$bin" user create --email bench@example.org --name Bench >/dev/null
port=$((20000 + RANDOM % 20000))
TRELLIS_BIND="127.0.0.1:$port" "$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
echo "idle: $(grep -E 'VmRSS|RssAnon' /proc/$pid/status | tr -s ' \n' ' ')"
(
  anon=0
  while kill -0 "$pid" 2>/dev/null; do
    a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a && echo "$anon" > "$dir/peak-anon"
    sleep 0.02
  done
) &
sampler=$!
python3 - "$port" "$clients" "$rounds" <<'PY'
import json, sys, threading, time, urllib.request, urllib.error, collections
port, clients, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
url = f"http://127.0.0.1:{port}/api/v1/tokens"
body = json.dumps({"email": "bench@example.org", "password": "benchmark sign-in password", "name": "bench"}).encode()
statuses, times, lock = collections.Counter(), [], threading.Lock()
start = threading.Barrier(clients)
def client():
    start.wait()
    for _ in range(rounds):
        t = time.perf_counter()
        req = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        with lock:
            statuses[status] += 1
            times.append(time.perf_counter() - t)
threads = [threading.Thread(target=client) for _ in range(clients)]
t0 = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - t0
times.sort()
q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"{clients} clients x {rounds} sign-ins: {dict(statuses)} in {wall:.1f} s "
      f"({len(times) / wall:.1f}/s); p50 {q(0.5):.2f} s, p99 {q(0.99):.2f} s, max {times[-1]:.2f} s")
PY
echo "server peak: $(grep VmHWM /proc/$pid/status | tr -s ' ')," \
  "peak RssAnon $(cat "$dir/peak-anon" 2>/dev/null || echo '?') kB"
kill "$sampler" 2>/dev/null || true
