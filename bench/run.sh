#!/usr/bin/env bash
# Load test of users.info / users.list on 100,000 users (loopback only).
#   bench/run.sh            # builds the release server, seeds rc_users_bench, runs every case
# Env: PGURL (default postgres://postgres@127.0.0.1:5432), PORT (3999), DURATION (10s),
#      CONNECTIONS (32), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
DB=rc_users_bench
PORT=${PORT:-3999}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
BASE="http://127.0.0.1:$PORT"

for tool in wrk jq; do command -v $tool >/dev/null 2>&1 || NEED="${NEED:-} $tool"; done
if [ -n "${NEED:-}" ]; then
    echo "== installing$NEED"
    if [ "$(id -u)" = 0 ]; then apt-get install -y $NEED >/dev/null; else sudo apt-get install -y $NEED >/dev/null; fi
fi

echo "== building the release server"
cargo build --release --quiet

echo "== starting the server on $DB"
DATABASE_URL="$PGURL/$DB" PORT=$PORT BIND_IP=127.0.0.1 RUST_LOG=warn \
    ADMIN_USERNAME=bench.admin ADMIN_PASS=bench-pass-1 ADMIN_EMAIL=bench.admin@bench.test \
    DATABASE_MAX_CONNECTIONS=${DATABASE_MAX_CONNECTIONS:-16} \
    ./target/release/rc-users >/tmp/rc-users-bench.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "$BASE/api/info" >/dev/null 2>&1 && break
    sleep 0.5
done

echo "== seeding (once)"
psql -q "$PGURL/$DB" -f bench/seed.sql

LOGIN=$(curl -sf -H 'Content-Type: application/json' -d '{"user":"bench.admin","password":"bench-pass-1"}' "$BASE/api/v1/login")
UID_=$(echo "$LOGIN" | jq -r .data.userId)
TOKEN=$(echo "$LOGIN" | jq -r .data.authToken)
H=(-H "X-User-Id: $UID_" -H "X-Auth-Token: $TOKEN")

urlenc() { jq -rn --arg v "$1" '$v|@uri'; }
Q=$(urlenc '{"customFields.clearance":"High","active":true,"username":{"$regex":"^user\\.12"}}')
declare -a CASES=(
    "users.info by id|/api/v1/users.info?userId=bu000000000050000"
    "users.info with rooms|/api/v1/users.info?userId=bu000000000050000&includeUserRooms=true"
    "users.list first page|/api/v1/users.list?count=50"
    "users.list offset 50000|/api/v1/users.list?count=50&offset=50000"
    "users.list query filter|/api/v1/users.list?count=50&query=$Q"
)

printf '\n| case | requests/s | p50 | p99 |\n|---|---|---|---|\n' > /tmp/rc-users-bench.md
for c in "${CASES[@]}"; do
    name=${c%%|*}
    path=${c#*|}
    # Sanity: the request must succeed.
    curl -sf "${H[@]}" "$BASE$path" | jq -e .success >/dev/null
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${H[@]}" "$BASE$path")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    [ -n "$non2xx" ] && echo "WARNING: $name had $non2xx non-2xx answers"
    printf '| %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" | tee -a /tmp/rc-users-bench.md
done
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cat /tmp/rc-users-bench.md
