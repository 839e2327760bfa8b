#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, on a free loopback port. Installs nothing.
#
#   postgres.sh start DIR   initialise DIR, start the server, create the database parley_test,
#                           write its libpq conninfo to DIR/conninfo and print it
#   postgres.sh restart DIR stop the server in DIR with fast shutdown (every session is cut)
#                           and start it again on the same port, as an operator's restart would
#   postgres.sh stop DIR    stop the server and remove DIR
#
# Both are idempotent: start reuses a server already running in DIR, stop of a stopped or
# missing cluster succeeds. Run as root, the server runs as the `postgres` user (initdb refuses
# root); run as anyone else, it runs as that user. PARLEY_PG_BIN overrides the binaries' folder.
set -euo pipefail

pg_bin=${PARLEY_PG_BIN:-/usr/lib/postgresql/15/bin}
database=parley_test

usage() {
  echo "usage: $0 start|restart|stop DIR" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
command=$1
dir=$2
[[ -n $dir ]] || usage

as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
  as_server_user=(runuser -u postgres --)
fi

pg() { "${as_server_user[@]}" "$pg_bin/$1" "${@:2}"; }

is_running() {
  [[ -f $dir/data/PG_VERSION ]] && pg pg_ctl -D "$dir/data" status >/dev/null 2>&1
}

# True when nothing listens on the port: neither ss nor a connection attempt finds a listener.
port_is_free() {
  local port=$1
  if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
    return 1
  fi
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

start() {
  if is_running && [[ -s $dir/conninfo ]]; then
    cat "$dir/conninfo"
    return 0
  fi
  if [[ ! -x $pg_bin/initdb ]]; then
    echo "postgres.sh: no PostgreSQL 15 server in $pg_bin (install postgresql-15)" >&2
    return 1
  fi
  # A half-initialised or stale directory from an interrupted run: start over.
  if [[ -e $dir ]]; then
    stop_server
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [[ ${#as_server_user[@]} -gt 0 ]]; then
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "postgres.sh: the postgres user cannot reach $dir (a parent folder is not searchable)" >&2
      return 1
    fi
  fi
  # --no-sync and the settings below trade durability for speed: the cluster is thrown away.
  pg initdb -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }

  # Another process may take the port between the check and the bind: try a few ports.
  local attempt port
  for attempt in $(seq 1 20); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_is_free "$port" || continue
    # No Unix socket: clients use TCP, and a socket path in a deep build folder may be too long.
    if pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
      break
    fi
    echo "postgres.sh: could not start on port $port (attempt $attempt), trying another" >&2
    port=
  done
  if [[ -z ${port:-} ]]; then
    echo "postgres.sh: the server did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    return 1
  fi

  pg createdb -h 127.0.0.1 -p "$port" -U postgres "$database"
  local conninfo="host=127.0.0.1 port=$port dbname=$database user=postgres"
  printf '%s\n' "$conninfo" >"$dir/conninfo"
  echo "$conninfo"
}

# Stops a server running in DIR, if any; never fails.
stop_server() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    pg pg_ctl -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
}

# pg_ctl keeps the start options (port, settings) in postmaster.opts and reuses them.
restart() {
  if ! is_running; then
    echo "postgres.sh: no server is running in $dir" >&2
    return 1
  fi
  pg pg_ctl -D "$dir/data" -l "$dir/server.log" -m fast -w -t 30 restart >/dev/null
}

stop() {
  [[ -e $dir ]] || return 0
  stop_server
  rm -rf "$dir"
}

case $command in
  start) start ;;
  restart) restart ;;
  stop) stop ;;
  *) usage ;;
esac
