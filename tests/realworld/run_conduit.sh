#!/usr/bin/env bash
# The public RealWorld test suite against this tree's Parley: boots a fresh `parley serve`
# (embedded SQLite, or with --services a database of its own on the throwaway PostgreSQL
# cluster and the Redis server of tests/services/*.sh), runs the Conduit Postman collection
# on its /api frontend with newman, and fails unless every request ran and every assertion
# passed. Then stops the server (SIGTERM, exit 0 expected) and checks that its log holds
# neither the password nor a token the suite used.
#
#   run_conduit.sh --parley=BIN --node=NODE --newman=NEWMAN_JS --collection=FILE --work=DIR
#                  [--services=DIR --psql=PSQL]
set -euo pipefail

parley='' node='' newman='' collection='' work='' services='' psql=''
for arg in "$@"; do
  case $arg in
    --parley=*) parley=${arg#*=} ;;
    --node=*) node=${arg#*=} ;;
    --newman=*) newman=${arg#*=} ;;
    --collection=*) collection=${arg#*=} ;;
    --work=*) work=${arg#*=} ;;
    --services=*) services=${arg#*=} ;;
    --psql=*) psql=${arg#*=} ;;
    *) echo "run_conduit.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
die() { echo "run_conduit.sh: $*" >&2; exit 1; }
[[ -x $parley ]] || die "no parley executable at '$parley'"
[[ -x $node ]] || die "no node at '$node' (deploy/scripts/install-deps.sh test installs nodejs)"
[[ -f $newman ]] || die "no newman at '$newman' (deploy/scripts/install-deps.sh test installs it under build/tools)"
[[ -f $collection ]] || die "no Conduit collection at '$collection' (it lives in ../shared/realworld of the repository)"
[[ -n $work ]] || die "--work is required"

rm -rf "$work"
mkdir -p "$work/data"
work=$(cd "$work" && pwd)
suffix=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
username="rw$suffix"  # celeb_<username> must stay within core's 32 characters
email="$username@example.com"
password="pw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

env_vars=(
  PARLEY_LISTEN=127.0.0.1:0
  "PARLEY_DATA_DIR=$work/data"
  PARLEY_SCRYPT_LOG2N=12
  PARLEY_LOG_LEVEL=info
  # Rate limiting stays on (RealWorld routes spend the same budgets as native ones), with
  # budgets the suite's 32 requests from one address never come near.
  PARLEY_RATE_LIMIT_AUTH=10000/60s
  PARLEY_RATE_LIMIT_WRITE=10000/60s
  PARLEY_RATE_LIMIT_READ=10000/60s
)
if [[ -n $services ]]; then
  [[ -x $psql ]] || die "no psql at '$psql' (postgresql-client-15)"
  read -r -a admin <"$services/postgres/conninfo" || die "no $services/postgres/conninfo: did the fixture start PostgreSQL?"
  redis_url=$(head -n1 "$services/redis/url") || die "no $services/redis/url: did the fixture start Redis?"
  declare -A pg=()
  for pair in "${admin[@]}"; do pg[${pair%%=*}]=${pair#*=}; done
  database="conduit_$suffix"
  db_password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
  "$psql" -X -q -v ON_ERROR_STOP=1 -h "${pg[host]}" -p "${pg[port]}" -U "${pg[user]}" -d "${pg[dbname]}" \
    -c "CREATE ROLE $database LOGIN PASSWORD '$db_password'" -c "CREATE DATABASE $database OWNER $database"
  env_vars+=(
    "PARLEY_DATABASE_URL=postgresql://$database:$db_password@${pg[host]}:${pg[port]}/$database"
    "PARLEY_REDIS_URL=$redis_url"
    "PARLEY_REDIS_KEY_PREFIX=parley:$database:"
  )
fi

# The server gets this environment (sanitizer options among it) without any PARLEY_* of the
# caller's: an unknown or stray setting would change or stop it.
unset_parley=()
for name in $(compgen -e); do
  [[ $name == PARLEY_* ]] && unset_parley+=(-u "$name")
done
env "${unset_parley[@]}" "${env_vars[@]}" "$parley" serve >"$work/server.log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then kill -KILL "$server" 2>/dev/null || true; fi
}
trap stop_server EXIT

port=''
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n1)
  [[ -n $port ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; die "parley serve exited before listening"; }
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/server.log" >&2; die "parley serve printed no listening line"; }
echo "run_conduit.sh: parley on 127.0.0.1:$port ($([[ -n $services ]] && echo 'PostgreSQL + Redis' || echo SQLite))"

status=0
"$node" "$newman" run "$collection" \
  --env-var "APIURL=http://127.0.0.1:$port/api" \
  --env-var "USERNAME=$username" --env-var "EMAIL=$email" --env-var "PASSWORD=$password" \
  --reporters cli,json --reporter-json-export "$work/newman.json" --color off --disable-unicode || status=$?

# The verdict from newman's own report: every request answered, every assertion passed, and
# assertions there were (a run that asserts nothing proves nothing).
"$node" -e '
  const run = require(process.argv[1]).run;
  const s = run.stats;
  console.log(`run_conduit.sh: requests ${s.requests.total} (${s.requests.failed} failed), ` +
              `assertions ${s.assertions.total} (${s.assertions.failed} failed), ` +
              `test scripts ${s.testScripts.total} (${s.testScripts.failed} failed)`);
  for (const f of run.failures) console.log(`  FAILED: ${f.source && f.source.name}: ${f.error.message}`);
  process.exit(s.requests.failed === 0 && s.assertions.failed === 0 && s.testScripts.failed === 0 &&
               s.assertions.total > 0 && run.failures.length === 0 ? 0 : 1);
' "$work/newman.json" || status=1

kill -TERM "$server"
exit_code=0
wait "$server" || exit_code=$?
trap - EXIT
if ((exit_code != 0)); then
  echo "run_conduit.sh: parley serve exited with $exit_code after SIGTERM" >&2
  status=1
fi
# Secrets never reach the log: the suite's password, and the tokens newman saw in responses.
if grep -qF -- "$password" "$work/server.log"; then
  echo "run_conduit.sh: the server log contains the password" >&2
  status=1
fi
tokens=$("$node" -e '
  const run = require(process.argv[1]).run;
  for (const e of run.executions) {
    const body = e.response && e.response.stream && Buffer.from(e.response.stream.data || []).toString();
    const m = body && body.match(/"token":"([^"]+)"/);
    if (m) console.log(m[1]);
  }' "$work/newman.json")
[[ -n $tokens ]] || { echo "run_conduit.sh: no token found in the responses newman recorded" >&2; status=1; }
while read -r token; do
  [[ -z $token ]] && continue
  if grep -qF -- "$token" "$work/server.log"; then
    echo "run_conduit.sh: the server log contains an access token" >&2
    status=1
  fi
done <<<"$tokens"
if ((status == 0)); then rm -rf "$work"; fi
exit "$status"
