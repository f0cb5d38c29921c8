#!/usr/bin/env bash
# Does the CSV export stream? Peak anonymous memory (RssAnon: the heap, not SQLite's memory-mapped
# file or page cache of the file) of `trellis export members` on generated programmes of growing
# size, sampled every 20 ms from /proc. Flat figures mean the export holds one page of rows, not
# the whole list. Usage: bash scripts/bench-export-memory.sh [sizes...] (default 10000 50000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 50000 100000)
cargo build --release -q -p trellis
bin="$PWD/target/release/trellis"
export TRELLIS_LOG=warn
printf "| members | rows written | file | peak RssAnon | peak RSS (all) | time |\n|---|---|---|---|---|---|\n"
for n in "${sizes[@]}"; do
  dir="$(mktemp -d)"
  (cd "$dir" && "$bin" generate --programme big --members "$n" --mentors $((n / 5)) >/dev/null)
  start=$(date +%s.%N)
  (cd "$dir" && exec "$bin" export members --programme big --out members.csv) &
  pid=$!
  anon=0
  rss=0
  while kill -0 "$pid" 2>/dev/null; do
    a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    [ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
    sleep 0.02
  done
  wait "$pid"
  end=$(date +%s.%N)
  rows=$(($(wc -l <"$dir/members.csv") - 1))
  printf "| %s | %s | %s KB | %s KB | %s KB | %.2f s |\n" "$n" "$rows" "$(du -k "$dir/members.csv" | cut -f1)" "$anon" "$rss" "$(echo "$end - $start" | bc)"
  rm -rf "$dir"
done
