#!/usr/bin/env bash
# Load test of the directory endpoint on a programme with 100,000 members and 20,000 mentors:
# wrk at 1, 16 and 64 connections against `trellis serve`, then the same query mix in-process
# (examples/directory_rate.rs). Results go to stdout; BENCHMARKS.md records them.
#
#   bash scripts/load-directory.sh [seconds per level, default 15]
#
# Two setups, one after the other:
#   shared — server, wrk and the in-process run each free to use every CPU. wrk competes
#            with the server for the same cores, the in-process run does not.
#   pinned — server and in-process run on CPU 0 only, wrk on CPU 1 (taskset): both sides of
#            the ratio get the same one core and wrk none of it, so the ratio is the HTTP
#            overhead. Needs two CPUs; skipped (said so) on one.
#
# Needs wrk (apt-get install wrk). Only loopback is used. The data is generated once into
# target/load/ and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-15}"
port=18123
data="$PWD/target/load/data"
bin="$PWD/target/release/trellis"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --bin trellis --example directory_rate

export TRELLIS_DATA_DIR="$data" TRELLIS_BIND="127.0.0.1:$port" TRELLIS_RUN_JOBS=false TRELLIS_LOG=warn
if [ ! -f "$data/trellis.db" ]; then
  mkdir -p "$data"
  TRELLIS_PASSWORD="load test password" "$bin" user create --email load@example.org --name "Load Test" --admin
  "$bin" generate --programme bench --members 100000 --mentors 20000 --seed 7
fi

# One setup: $1 runs the server, $2 runs wrk, $3 runs the in-process rate (each a command
# prefix, empty for none).
run() {
  local on_server="$1" on_wrk="$2" on_rate="$3"
  $on_server "$bin" serve & server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

  TOKEN=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
    -d '{"email":"load@example.org","password":"load test password","name":"load"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  taxonomy=$(curl -fs "http://127.0.0.1:$port/api/v1/programmes/bench/taxonomy")
  AUD1=$(echo "$taxonomy" | python3 -c 'import json,sys; print(json.load(sys.stdin)["audiences"][1]["id"])')
  AUD2=$(echo "$taxonomy" | python3 -c 'import json,sys; print(json.load(sys.stdin)["audiences"][2]["id"])')
  EXP3=$(echo "$taxonomy" | python3 -c 'import json,sys; print(json.load(sys.stdin)["expertise"][3]["id"])')
  export TOKEN AUD1 AUD2 EXP3
  # The first search builds the programme's in-memory index (timed here, not in the levels).
  curl -fs -o /dev/null -w 'first search (builds the index): %{time_total} s\n' \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/programmes/bench/mentors?q=feedback"

  echo "HTTP: GET /api/v1/programmes/bench/mentors (query mix), ${secs} s per level, wrk with 1 thread"
  printf '%6s %10s %9s %9s %7s\n' conns 'req/s' 'p50 ms' 'p99 ms' errors
  for c in 1 16 64; do
    $on_wrk wrk -t1 -c"$c" -d"${secs}s" --latency -s scripts/directory.lua "http://127.0.0.1:$port" |
      awk -v c="$c" '/^RESULT/ { printf "%6d %10d %9.2f %9.2f %7d\n", c, $2, $3, $4, $5 }'
  done
  kill $server; wait $server 2>/dev/null || true; trap - EXIT

  echo
  $on_rate target/release/examples/directory_rate "$data" "$secs"
}

echo "== shared: every process on every CPU"
run "" "" ""
echo
if [ "$(nproc)" -ge 2 ]; then
  echo "== pinned: server and in-process on CPU 0, wrk on CPU 1"
  run "taskset -c 0" "taskset -c 1" "taskset -c 0"
else
  echo "== pinned: skipped, this machine has one CPU"
fi
