#!/usr/bin/env bash
# Dashboard and full CSV exports on a generated programme of N members (default 100000):
# wall time and peak memory (RSS) of each, from a fresh SQLite database in a temporary folder.
# Usage: bash scripts/bench-staff.sh [members]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
cargo build --release -q
bin="$PWD/target/release/trellis"
dir="$(mktemp -d)"
cd "$dir"
export TRELLIS_LOG=warn
/usr/bin/time -f "generate: %e s, peak %M KB" "$bin" generate --programme big --members "$n" --mentors $((n / 5)) --requests $((n / 10)) >/dev/null
for list in members mentors relationships; do
  /usr/bin/time -f "export $list: %e s, peak %M KB" "$bin" export "$list" --programme big --out "$list.csv"
  echo "  $(($(wc -l < "$list.csv") - 1)) rows, $(du -k "$list.csv" | cut -f1) KB"
done
# The dashboard through the API, as the office sees it.
export TRELLIS_PASSWORD="benchmark admin password"
"$bin" user create --email bench@example.org --name Bench --admin >/dev/null
port=$((20000 + RANDOM % 20000))
TRELLIS_BIND="127.0.0.1:$port" "$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
  -d "{\"email\":\"bench@example.org\",\"password\":\"$TRELLIS_PASSWORD\",\"name\":\"bench\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
for i in 1 2 3; do
  curl -s -o /dev/null -w "dashboard run $i: %{time_total} s\n" -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/programmes/big/dashboard"
done
curl -s -o /dev/null -w "members.csv over HTTP: %{time_total} s, %{size_download} bytes\n" -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/programmes/big/export/members.csv"
echo "server peak RSS: $(grep VmHWM /proc/$pid/status)"
