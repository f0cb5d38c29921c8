#!/usr/bin/env bash
# The cohort matcher against scipy and OR-Tools on the same files (issue 8; BENCHMARKS.md).
# Generates each family once (fixed seeds) into target/matcher-bench/, installs the references
# from PyPI into target/bench-venv, then runs `trellis match` and the references side by side
# and prints the totals, solve times and ratios.
# Usage: bash scripts/bench-matcher.sh [family ...]   (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/matcher-bench"
venv="$PWD/target/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q numpy scipy ortools pandas
# Two builds: with --example in the same command cargo builds only the example, not the binary.
cargo build --release -q -p trellis --bin trellis
cargo build --release -q -p trellis-matcher --example write_instance
bin="$PWD/target/release/trellis"
write="$PWD/target/release/examples/write_instance"

# name: kind mentees mentors cap_min cap_max per_mentee scores seed references
declare -A families=(
  [dense-float]="dense 5000 1000 5 5 0 float 1 scipy,ortools"
  [dense-int]="dense 5000 1000 5 5 0 int 2 scipy,ortools"
  [dense-caps]="dense 5000 1667 1 5 0 float 3 scipy,ortools"
  [sparse-20k]="sparse 20000 6667 1 5 20 float 4 ortools"
  [sparse-50k]="sparse 50000 16667 1 5 20 float 5 ortools"
)
order=(dense-float dense-int dense-caps sparse-20k sparse-50k)
[ $# -gt 0 ] && order=("$@")

value() { sed -n "s/^$1 //p" "$2"; }

printf "| family | pairs | matched | trellis solve | trellis end to end | reference | reference solve | ratio | same total |\n"
printf "|---|---|---|---|---|---|---|---|---|\n"
for name in "${order[@]}"; do
  read -r kind mentees mentors cmin cmax per scores seed refs <<<"${families[$name]}"
  dir="$root/$name"
  if [ ! -f "$dir/pairs.csv" ]; then
    "$write" "$dir" "$kind" "$mentees" "$mentors" "$cmin" "$cmax" "$per" "$scores" "$seed"
  fi
  start=$(date +%s.%N)
  "$bin" match --mentors "$dir/mentors.csv" --pairs "$dir/pairs.csv" --mentees "$dir/mentees.csv" \
    --out "$dir/result.csv" >"$dir/trellis.txt" 2>/dev/null
  end=$(date +%s.%N)
  ours=$(value solve_seconds "$dir/trellis.txt")
  e2e=$(echo "$end - $start" | bc)
  total=$(value total "$dir/trellis.txt")
  matched=$(value matched "$dir/trellis.txt")
  pairs=$(value pairs "$dir/trellis.txt")
  for ref in ${refs//,/ }; do
    "$venv/bin/python" scripts/matcher_reference.py "$dir" "$ref" >"$dir/$ref.txt"
    theirs=$(value solve_seconds "$dir/$ref.txt")
    rtotal=$(value total "$dir/$ref.txt")
    rmatched=$(value matched "$dir/$ref.txt")
    same=$("$venv/bin/python" -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('yes' if abs(a-b)<=1e-9*max(abs(a),abs(b),1) and sys.argv[3]==sys.argv[4] else 'NO')" "$total" "$rtotal" "$matched" "$rmatched")
    ratio=$("$venv/bin/python" -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.3f}')" "$ours" "$theirs")
    printf "| %s | %s | %s | %s s | %.2f s | %s | %s s | %s | %s (%s vs %s) |\n" \
      "$name" "$pairs" "$matched" "$ours" "$e2e" "$ref" "$theirs" "$ratio" "$same" "$total" "$rtotal"
  done
done
