#!/usr/bin/env bash
# The benchmark harness: Parley against the machine's own ceilings, measured in one run.
#
#   tests/bench/run.sh [--quick | --smoke] [--parley PATH] [--out DIR]
#
#   (default)  the full protocol: 10 000 users, 200 000 posts, 1 000 000 comments; every
#              scenario at 64, 256 and 1 000 connections; 3 x 15 s repeats (5 when the spread
#              exceeds 10 %) after a 5 s warm-up; PostgreSQL + Redis, then embedded SQLite;
#              ceilings: nginx serving the same bytes, pgbench running the same SQL.
#   --quick    the same with a small data set, 64 connections and 3 x 5 s repeats (~8 min).
#   --smoke    a few seconds for CI: tiny SQLite data set, the cached list only, 16 connections,
#              one 3 s run, no ceilings. Asserts nothing about speed.
#   --parley   the `parley` executable to measure (default: a Release build in build/bench,
#              configured and built when missing).
#   --out      where results go (default build/bench/results/<UTC time>, linked as
#              build/bench/results/latest): results.json, results.md, throughput.png, raw/.
#
# Subsets for tuning, from the environment: BENCH_MODES ("postgres sqlite"), BENCH_SCENARIOS
# (e.g. "cached_list get_post"), BENCH_CONNECTIONS ("64 256"), BENCH_DURATION (seconds),
# BENCH_REPEATS, BENCH_DB_POOL (Parley's PARLEY_DB_POOL_SIZE, default 4, Parley's own default;
# the pgbench ceilings run with as many clients). Needs wrk, nginx, gnuplot, PostgreSQL 15 (server and pgbench), redis-server,
# curl, taskset and python3 (deploy/scripts/install-deps.sh test). Pins the load generator
# (wrk, pgbench) to CPU 0 and Parley, PostgreSQL, Redis and nginx to CPU 1.
# See docs/performance.md for the protocol and how to read the output.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
pg_bin=${PARLEY_PG_BIN:-/usr/lib/postgresql/15/bin}
readonly here root pg_bin
readonly password=bench-demo-password # of every seeded account; a throwaway database
# login last: the hashes still queued when wrk stops keep the worker pool busy for a while.
# login_flood: /healthz measured by a second wrk while the login endpoint is flooded.
readonly all_scenarios="cached_list list_random list_deep list_cursor get_post create_post create_comment mix login login_flood"
readonly healthz_connections=4 # the probe's side of login_flood: a few monitors, not a crowd

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit "$1"
}

profile=full
parley=
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) profile=quick ;;
    --smoke) profile=smoke ;;
    --parley) [[ $# -ge 2 ]] || usage 2; parley=$2; shift ;;
    --out) [[ $# -ge 2 ]] || usage 2; out=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
  shift
done

case $profile in
  full)
    users=10000 posts=200000 comments=1000000
    modes="postgres sqlite" scenarios=$all_scenarios connections="64 256 1000"
    warmup=5 duration=15 repeats=3 ceilings=yes ;;
  quick)
    users=200 posts=5000 comments=20000
    modes="postgres sqlite" scenarios=$all_scenarios connections="64"
    warmup=2 duration=5 repeats=3 ceilings=yes ;;
  smoke)
    users=20 posts=200 comments=400
    modes="sqlite" scenarios="cached_list" connections="16"
    warmup=1 duration=3 repeats=1 ceilings=no ;;
esac
modes=${BENCH_MODES:-$modes}
scenarios=${BENCH_SCENARIOS:-$scenarios}
connections=${BENCH_CONNECTIONS:-$connections}
duration=${BENCH_DURATION:-$duration}
repeats=${BENCH_REPEATS:-$repeats}
pages=$(((posts + 19) / 20))
# Parley's database pool, and so the pgbench ceilings' clients: a ceiling of 64 backends says
# nothing about a server that never has more than its pool's statements in flight.
db_pool=${BENCH_DB_POOL:-4}

# Debian's python3 when present: a version manager's shim costs a second a call on a busy machine.
python3() { if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else command python3 "$@"; fi; }

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk curl taskset python3; do
  command -v "$tool" >/dev/null || die "$tool not found (bash deploy/scripts/install-deps.sh test)"
done
if [[ $profile != smoke ]]; then
  for tool in nginx gnuplot redis-server; do
    command -v "$tool" >/dev/null || die "$tool not found (bash deploy/scripts/install-deps.sh test)"
  done
  [[ -x $pg_bin/pgbench ]] || die "no pgbench in $pg_bin (Debian package postgresql-15)"
fi
[[ $(nproc) -ge 2 ]] || die "the protocol pins the load generator and the server to two different CPUs; this machine has $(nproc)"

# ---- the executable under test
if [[ -z $parley ]]; then
  build=$root/build/bench
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  if [[ ! -f $build/build.ninja ]]; then
    log "configuring a Release build in $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_TESTS=OFF "${launcher[@]}" >&2
  fi
  log "building parley (Release)"
  cmake --build "$build" --target parley >&2
  parley=$build/apps/parley/parley
fi
[[ -x $parley ]] || die "$parley is not an executable"
parley=$(realpath "$parley")

if [[ -z $out ]]; then
  out=$root/build/bench/results/$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$out"
  ln -sfn "$(basename "$out")" "$root/build/bench/results/latest"
fi
mkdir -p "$out/raw"
out=$(realpath "$out")
raw=$out/raw/runs.jsonl
: >"$raw"

# wrk needs a descriptor per connection.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- throwaway state and cleanup
work=$(mktemp -d /tmp/parley-bench.XXXXXX)
chmod 755 "$work" # the postgres user must reach the cluster below it
pids=()
services=()
cleanup() {
  local status=$?
  set +e
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  local service
  for service in "${services[@]}"; do
    bash "$root/tests/services/${service%%:*}.sh" stop "${service#*:}" >/dev/null 2>&1
  done
  if [[ $status -ne 0 ]]; then
    log "failed (exit $status); logs kept in $out/raw"
    cp "$work"/*.log "$out/raw/" 2>/dev/null
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Drops a pid from the cleanup list once it has been stopped.
forget_pid() {
  local keep=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || keep+=("$pid"); done
  pids=("${keep[@]}")
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

wait_http() { # URL, within 30 s
  local attempt
  for attempt in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ---- per-process resource figures (of the server under test)
cpu_seconds() { # utime + stime of PID, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# ---- one wrk measurement: appends a JSON record to $raw (kind warmup|repeat)
# run_wrk TARGET MODE SCENARIO CONNECTIONS SECONDS KIND URL SERVER_PID [SCRIPT [WRK_CONNECTIONS]]
# (SCRIPT: the Lua script when not the scenario's own; the record keeps CONNECTIONS.)
run_wrk() {
  local target=$1 mode=$2 scenario=$3 conns=$4 seconds=$5 kind=$6 url=$7 server_pid=$8
  local script=${9:-$3} wrk_conns=$4
  [[ $script == healthz ]] && wrk_conns=$healthz_connections
  local cpu_before cpu_after output line
  reset_peak_rss "$server_pid"
  cpu_before=$(cpu_seconds "$server_pid")
  output=$(BENCH_LUA_DIR=$here/scenarios taskset -c 0 wrk -t1 -c "$wrk_conns" -d "${seconds}s" --timeout 5s \
    -s "$here/scenarios/$script.lua" "$url" 2>&1) || die "wrk failed for $scenario: $output"
  cpu_after=$(cpu_seconds "$server_pid")
  line=$(grep '^BENCH_RESULT ' <<<"$output" | head -n 1) || die "no result from wrk for $scenario: $output"
  python3 "$here/report.py" record --target "$target" --mode "$mode" --scenario "$scenario" \
    --connections "$conns" --kind "$kind" --cpu-seconds "$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.2f", b - a }')" \
    --peak-rss-kib "$(peak_rss_kib "$server_pid")" --wrk "${line#BENCH_RESULT }" >>"$raw"
  log "$target/$mode $scenario c=$conns $kind: $(python3 "$here/report.py" brief --wrk "${line#BENCH_RESULT }")"
}

# A warm-up, then the repeats; two more repeats when their spread exceeds 10 %.
measure_wrk() { # TARGET MODE SCENARIO CONNECTIONS URL SERVER_PID
  local target=$1 mode=$2 scenario=$3 conns=$4 url=$5 server_pid=$6 i
  run_wrk "$target" "$mode" "$scenario" "$conns" "$warmup" warmup "$url" "$server_pid"
  for i in $(seq 1 "$repeats"); do
    run_wrk "$target" "$mode" "$scenario" "$conns" "$duration" repeat "$url" "$server_pid"
  done
  if [[ $repeats -ge 3 ]] && python3 "$here/report.py" spread-exceeds --raw "$raw" --target "$target" \
    --mode "$mode" --scenario "$scenario" --connections "$conns" --limit 0.10; then
    log "spread over 10 %: two more repeats"
    for i in 1 2; do
      run_wrk "$target" "$mode" "$scenario" "$conns" "$duration" repeat "$url" "$server_pid"
    done
  fi
}

# ---- login_flood: the login endpoint flooded at CONNECTIONS by one wrk (in the background)
# while a second wrk, also on CPU 0, measures GET /healthz at a few connections. Both runs are
# recorded: scenario login_flood (logins; 503 refusals counted as shed) and
# healthz_during_login_flood, whose p99 is the figure of the issue's target.
run_login_flood() { # CONNECTIONS SECONDS KIND URL SERVER_PID
  local conns=$1 seconds=$2 kind=$3 url=$4 server_pid=$5 flood
  run_wrk parley "$mode" login_flood "$conns" "$seconds" "$kind" "$url" "$server_pid" &
  flood=$!
  sleep 0.5 # the flood is under way before the probe starts
  run_wrk parley "$mode" healthz_during_login_flood "$conns" "$((seconds > 1 ? seconds - 1 : 1))" "$kind" \
    "$url" "$server_pid" healthz
  wait "$flood" || die "the login flood failed"
}

measure_login_flood() { # CONNECTIONS URL SERVER_PID
  local i
  run_login_flood "$1" "$warmup" warmup "$2" "$3"
  for i in $(seq 1 "$repeats"); do run_login_flood "$1" "$duration" repeat "$2" "$3"; done
}

# ---- one pgbench measurement, same shape of record
run_pgbench() { # SCRIPT CONNECTIONS SECONDS KIND
  local script=$1 conns=$2 seconds=$3 kind=$4 clients output
  # As many clients as Parley has pooled connections (fewer only if the wrk row has fewer):
  # Parley never runs more statements at once, so more backends would measure a database
  # Parley cannot use. The record keeps CONNECTIONS (the Parley row it is the ceiling of).
  clients=$((conns > db_pool ? db_pool : conns))
  rm -rf "$work/pgbench-log" && mkdir -p "$work/pgbench-log"
  # The list statements: the generic plan Parley's pooled connections settle on (a fresh pgbench
  # connection would spend its first five executions on custom plans; see list_random.sql).
  local pgoptions=
  [[ $script == list_* ]] && pgoptions="-c plan_cache_mode=force_generic_plan"
  output=$(cd "$work/pgbench-log" && PGOPTIONS=$pgoptions taskset -c 0 "$pg_bin/pgbench" -n -M prepared -c "$clients" -j 1 \
    -T "$seconds" -f "$here/sql/$script.sql" -D pages="$pages" -D pool="$pool_size" -D cursors="$cursor_count" -D author="$author_id" \
    --log --log-prefix=tx "$pg_conninfo" 2>&1) || die "pgbench failed for $script: $output"
  python3 "$here/report.py" record-pgbench --scenario "$script" --connections "$conns" --clients "$clients" \
    --kind "$kind" --output "$output" --logs "$work/pgbench-log" >>"$raw"
  log "pgbench/postgres $script c=$clients $kind: $(grep -o 'tps = [0-9.]*' <<<"$output" | head -n 1)"
}

measure_pgbench() { # SCRIPT CONNECTIONS
  local i
  run_pgbench "$1" "$2" "$warmup" warmup
  for i in $(seq 1 "$repeats"); do run_pgbench "$1" "$2" "$duration" repeat; done
}

# ---- nginx serving the bytes of the cached list as a static file
measure_nginx() { # MODE BODY_FILE
  local mode=$1 body=$2 port dir conns
  port=$(free_port)
  dir=$work/nginx-$mode
  mkdir -p "$dir/html/api/v1"
  cp "$body" "$dir/html/api/v1/posts"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off; # one process: its CPU and RSS are what /proc of the pid shows
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    root $dir/html;
    location = /api/v1/posts { default_type application/json; }
  }
}
EOF
  taskset -c 1 nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$work/nginx-$mode.log" 2>&1 &
  local nginx_pid=$!
  pids+=("$nginx_pid")
  wait_http "http://127.0.0.1:$port/api/v1/posts?page=1&size=20" || die "nginx did not start: $(cat "$work/nginx-$mode.log" "$dir/error.log" 2>/dev/null)"
  cmp -s "$body" <(curl -fsS "http://127.0.0.1:$port/api/v1/posts?page=1&size=20") || die "nginx serves other bytes"
  for conns in $connections; do
    measure_wrk nginx "$mode" cached_list "$conns" "http://127.0.0.1:$port" "$nginx_pid"
  done
  stop_pid "$nginx_pid"
}

# ---- one storage mode: seed, serve, measure
bench_mode() { # postgres|sqlite
  local mode=$1 env=() port url server_pid token
  port=$(free_port)
  url=http://127.0.0.1:$port
  env=(PARLEY_LISTEN=127.0.0.1:$port PARLEY_DATA_DIR=$work/data-$mode PARLEY_JWT_SECRET=$jwt_secret
    PARLEY_RATE_LIMIT_AUTH=1000000/1s PARLEY_RATE_LIMIT_WRITE=1000000/1s
    PARLEY_RATE_LIMIT_READ=1000000/1s PARLEY_DB_POOL_SIZE=$db_pool)
  if [[ $mode == postgres ]]; then
    log "starting PostgreSQL 15 and Redis 7 on CPU 1"
    services+=("postgres:$work/postgres" "redis:$work/redis")
    pg_conninfo=$(taskset -c 1 bash "$root/tests/services/postgres.sh" start "$work/postgres")
    local redis_url pg_port
    redis_url=$(taskset -c 1 bash "$root/tests/services/redis.sh" start "$work/redis")
    pg_port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$pg_conninfo")
    env+=(PARLEY_DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/parley_test PARLEY_REDIS_URL=$redis_url)
  fi

  log "$mode: seeding $users users, $posts posts, $comments comments"
  env -i PATH="$PATH" "${env[@]}" PARLEY_LOG_LEVEL=info "$parley" seed --users "$users" --posts "$posts" --comments "$comments" \
    <<<"$password" 2>"$work/seed-$mode.log" >/dev/null || die "parley seed failed: $(tail -n 5 "$work/seed-$mode.log")"
  grep '"seed done"' "$work/seed-$mode.log" | python3 "$here/report.py" record-seed --mode "$mode" >>"$raw"
  log "$mode: $(grep '"seed done"' "$work/seed-$mode.log")"

  # Log level warn: no access line per request (a log file growing by the gigabyte otherwise).
  env -i PATH="$PATH" "${env[@]}" PARLEY_LOG_LEVEL=warn taskset -c 1 "$parley" serve >"$work/parley-$mode.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  wait_http "$url/healthz" || die "parley did not start: $(tail -n 20 "$work/parley-$mode.log")"
  log "$mode: parley pid $server_pid on $url, idle RSS $(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status") KiB"
  python3 "$here/report.py" record-idle --mode "$mode" --rss-kib "$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")" >>"$raw"

  # A token of a seeded user, a pool of post ids, and the cached list's bytes for nginx.
  token=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"seed0@seed.parley.test\",\"password\":\"$password\"}" "$url/api/v1/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["access_token"])')
  local page ids=$work/ids-$mode.txt
  : >"$ids"
  # Up to 50 random pages of 100: get_post and create_comment pick from these ids.
  for page in $(python3 -c "import random; random.seed(7); n = $(((posts + 99) / 100)); print(*random.sample(range(1, n + 1), min(50, n)))"); do
    curl -fsS "$url/api/v1/posts?page=$page&size=100" |
      python3 -c 'import json, sys; [print(p["id"]) for p in json.load(sys.stdin)["data"]]' >>"$ids"
  done
  [[ -s $ids ]] || die "no post ids"
  # Up to 50 cursors into the deepest tenth (list_deep's range of pages): the meta.next of a
  # numbered page just before a page of that range resumes at that page.
  local cursors=$work/cursors-$mode.txt first=$((pages - pages / 10))
  ((first > 1)) || first=2
  : >"$cursors"
  for page in $(python3 -c "import random; random.seed(11); r = range($first - 1, $pages); print(*random.sample(r, min(50, len(r))))"); do
    curl -fsS "$url/api/v1/posts?page=$page&size=20" |
      python3 -c 'import json, sys; c = json.load(sys.stdin)["meta"].get("next"); c and print(c)' >>"$cursors"
  done
  [[ -s $cursors ]] || die "no cursors"
  curl -fsS -o "$work/list-$mode.json" "$url/api/v1/posts?page=1&size=20"
  log "$mode: $(wc -l <"$ids") post ids and $(wc -l <"$cursors") cursors in the pools; measuring"
  if [[ $ceilings == yes && $mode == postgres ]]; then
    author_id=$(curl_author "$work/list-$mode.json")
    pgbench_read_ceilings "$ids" "$cursors"
  fi

  # What the scenarios' Lua reads (tests/bench/scenarios/*.lua).
  export BENCH_PAGES=$pages BENCH_IDS_FILE=$ids BENCH_CURSORS_FILE=$cursors BENCH_TOKEN=$token BENCH_USERS=$users BENCH_PASSWORD=$password
  local scenario conns
  for scenario in $scenarios; do
    for conns in $connections; do
      if [[ $scenario == login_flood ]]; then
        measure_login_flood "$conns" "$url" "$server_pid"
      else
        measure_wrk parley "$mode" "$scenario" "$conns" "$url" "$server_pid"
      fi
      # Work queued by the last connections (e.g. password hashes) must not leak into the next.
      wait_http "$url/api/v1/posts?page=1&size=1" || die "parley stopped answering after $scenario"
    done
  done
  stop_pid "$server_pid"

  if [[ $ceilings == yes ]]; then
    if [[ " $scenarios " == *" cached_list "* ]]; then
      measure_nginx "$mode" "$work/list-$mode.json"
    fi
    if [[ $mode == postgres && " $scenarios " == *" create_post "* ]]; then
      for conns in $connections; do measure_pgbench create_post "$conns"; done
    fi
  fi
}

# The pgbench ceilings of the read scenarios, run before Parley's write scenarios grow the
# posts table, so both read the same seeded rows. get_post.sql picks its ids from the same pool
# as get_post.lua, and list_cursor.sql its cursors from list_cursor.lua's pool (a cursor is
# "<created_at in epoch milliseconds>_<id in 32 hex digits>", PostCursor::encode in
# core/src/domain/social.cpp).
pgbench_read_ceilings() { # IDS_FILE CURSORS_FILE
  "$pg_bin/psql" -q -v ON_ERROR_STOP=1 "$pg_conninfo" \
    -c "CREATE TABLE bench_post_ids (n serial PRIMARY KEY, id uuid NOT NULL)" \
    -c "\\copy bench_post_ids (id) FROM '$1'" \
    -c "CREATE TEMPORARY TABLE bench_cursor_texts (encoded text NOT NULL)" \
    -c "\\copy bench_cursor_texts (encoded) FROM '$2'" \
    -c "CREATE TABLE bench_cursors (n serial PRIMARY KEY, at timestamptz NOT NULL, id uuid NOT NULL)" \
    -c "INSERT INTO bench_cursors (at, id) SELECT timestamptz 'epoch' + split_part(encoded, '_', 1)::bigint * interval '1 millisecond', split_part(encoded, '_', 2)::uuid FROM bench_cursor_texts" \
    -c "ANALYZE" >/dev/null
  pool_size=$(wc -l <"$1")
  cursor_count=$(wc -l <"$2")
  local script conns
  for script in list_random list_deep list_cursor get_post; do
    [[ " $scenarios " == *" $script "* ]] || continue
    for conns in $connections; do measure_pgbench "$script" "$conns"; done
  done
}

curl_author() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["data"][0]["author_id"])' "$1"; }

jwt_secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
pg_conninfo=
author_id=
pool_size=0
cursor_count=0
log "profile $profile: modes [$modes], scenarios [$scenarios], connections [$connections], ${repeats} x ${duration} s, database pool $db_pool; results in $out"
for mode in $modes; do
  case $mode in
    postgres | sqlite) bench_mode "$mode" ;;
    *) die "unknown mode '$mode' (postgres or sqlite)" ;;
  esac
done

python3 "$here/report.py" aggregate --raw "$raw" --out "$out" --profile "$profile" \
  --parley "$parley" --revision "$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [[ $profile != smoke ]] && command -v gnuplot >/dev/null; then
  gnuplot "$out/throughput.gp" && log "plot: $out/throughput.png"
fi
cat "$out/results.md"
log "results: $out/results.json, $out/results.md"
