#!/usr/bin/env bash
# Scheduler throughput: N mentorship requests whose reply windows all end at the same instant,
# passed on by one `trellis jobs run --as-of` (SQLite, file mail transport), then checked:
# every step happened exactly once. BENCHMARKS.md records the figures.
#
#   bash scripts/bench-scheduler.sh [N, default 100000]
#
# The data goes to target/bench-scheduler/ (made afresh each run). Needs python3 (for the
# checks, through its sqlite3 module).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
dir="$PWD/target/bench-scheduler"
bin="$PWD/target/release/trellis"
cargo build --release --bin trellis
rm -rf "$dir" && mkdir -p "$dir"
export TRELLIS_DATA_DIR="$dir" TRELLIS_LOG=warn TRELLIS_PUBLIC_URL="https://trellis.example.org"

# Members: the mentees, plus 2,000 mentors. The generator prints when the windows end.
out=$("$bin" generate --programme sched --members $((n + 2000)) --mentors 2000 --requests "$n" --seed 3)
echo "$out"
due=$(echo "$out" | sed -n 's/.*every reply window ends at \(.*\)\.$/\1/p')
# One second after the deadline, as if the scheduler had been stopped over it.
as_of=$(python3 -c "import datetime,sys; print((datetime.datetime.fromisoformat('$due') + datetime.timedelta(seconds=1)).isoformat())")

echo "jobs run --as-of $as_of"
start=$(date +%s.%N)
"$bin" jobs run --as-of "$as_of"
end=$(date +%s.%N)
python3 -c "print(f'first run: {$end - $start:.1f} s')"
start=$(date +%s.%N)
"$bin" jobs run --as-of "$as_of"
end=$(date +%s.%N)
python3 -c "print(f'second run at the same instant: {$end - $start:.1f} s')"

python3 - "$dir/trellis.db" "$dir/mail" "$n" "$due" <<'PY'
import os, sqlite3, sys, datetime
db, mail, n, due = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = sqlite3.connect(db)
q = lambda sql, *a: c.execute(sql, a).fetchall()
one = lambda sql, *a: q(sql, *a)[0][0]
checks = []
def check(name, ok):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + name)
import re
def norm(t):
    # RFC 3339 with up to nanoseconds -> a datetime (microseconds).
    t = t.replace("Z", "+00:00")
    t = re.sub(r"(\.\d{6})\d+", r"\1", t)
    return datetime.datetime.fromisoformat(t)
due_t = norm(due)
check(f"{n} requests, all offered to their second choice now",
      one("SELECT COUNT(*) FROM mentorship_requests WHERE status = 'offered' AND json_array_length(json_extract(cascade, '$.offered')) = 2") == n)
check("each request timed out exactly once",
      one("SELECT COUNT(*) FROM request_events WHERE kind = 'timed_out'") == n
      and one("SELECT COUNT(*) FROM (SELECT request_id FROM request_events WHERE kind = 'timed_out' GROUP BY request_id HAVING COUNT(*) <> 1)") == 0)
ats = {norm(r[0]) for r in q("SELECT DISTINCT at FROM request_events WHERE kind = 'timed_out'")}
check("the deadline, not the catch-up time, is recorded", ats == {due_t})
check("each request offered exactly twice (first and second choice)",
      one("SELECT COUNT(*) FROM (SELECT request_id FROM request_events WHERE kind = 'offered' GROUP BY request_id HAVING COUNT(*) <> 2)") == 0)
for template in ("request_passed_on", "request_offered", "request_with_mentor"):
    check(f"{n} '{template}' letters, each sent once",
          one("SELECT COUNT(*) FROM outbox WHERE template = ?", template) == n
          and one("SELECT COUNT(*) FROM outbox WHERE template = ? AND sent_at IS NULL", template) == 0)
check(f"{3 * n} mail files written", len(os.listdir(mail)) == 3 * n)
check(f"{3 * n} in-app notifications", one("SELECT COUNT(*) FROM notifications") == 3 * n)
check("every first-window deadline job done, on its first attempt",
      one("SELECT COUNT(*) FROM jobs WHERE kind = 'request_deadline' AND key LIKE '%:1' AND done_at IS NOT NULL AND attempts = 1") == n)
pending = "done_at IS NULL AND failed_at IS NULL"
check(f"{n} new deadline jobs and {2 * n} reminders waiting for the second window, nothing else",
      one(f"SELECT COUNT(*) FROM jobs WHERE kind = 'request_deadline' AND key LIKE '%:2' AND {pending}") == n
      and one(f"SELECT COUNT(*) FROM jobs WHERE kind = 'request_reminder' AND {pending}") == 2 * n
      and one(f"SELECT COUNT(*) FROM jobs WHERE {pending}") == 3 * n)
print("ALL CHECKS PASSED" if all(checks) else "SOME CHECKS FAILED")
sys.exit(0 if all(checks) else 1)
PY
