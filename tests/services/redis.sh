#!/usr/bin/env bash
# Starts and stops a throwaway Redis server on a free loopback port, for tests and CI.
#
#   redis.sh start DIR [--password PW] [--port PORT]
#       Starts redis-server (no persistence, data and pidfile in DIR) with the default user
#       disabled and an ACL user "parley" with password PW (random when not given), so clients
#       must AUTH. Writes redis://parley:PW@127.0.0.1:PORT/0 to DIR/url and prints it. A free
#       port is picked unless --port is given. When DIR already holds a running server, prints
#       its URL and does nothing else.
#   redis.sh stop DIR
#       Shuts that server down without saving and removes DIR. Does nothing when DIR is absent.
#
# Installs nothing: needs redis-server and redis-cli (Debian: redis-server, redis-tools).
set -euo pipefail

readonly USER_NAME=parley
readonly START_ATTEMPTS=20
readonly WAIT_STEPS=100 # of 0.05 s: up to 5 s for the server to answer or exit

die() {
  echo "redis.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: redis.sh start DIR [--password PW] [--port PORT] | redis.sh stop DIR" >&2
  exit 2
}

# Percent-encodes everything but RFC 3986 unreserved characters, for the URL's password.
url_encode() {
  local text=$1 out='' c i
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# True when pid runs (a zombie has exited: a daemon's parent may be slow to reap it).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Prints the pid in DIR/redis.pid when it is a running redis-server (not a recycled pid).
server_pid() {
  local dir=$1 pid
  [[ -f $dir/redis.pid ]] || return 1
  pid=$(<"$dir/redis.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]] || return 1
  alive "$pid" || return 1
  printf '%s' "$pid"
}

port_in_use() {
  # A successful connect means something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cli() {
  local dir=$1
  shift
  REDISCLI_AUTH=$(<"$dir/password") timeout 5 redis-cli --no-auth-warning -h 127.0.0.1 \
    -p "$(<"$dir/port")" --user "$USER_NAME" "$@"
}

start() {
  local dir=$1 password='' port=''
  shift
  while (($#)); do
    case $1 in
      --password) (($# >= 2)) || usage; password=$2; shift 2 ;;
      --port) (($# >= 2)) || usage; port=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ -z $port || $port =~ ^[0-9]+$ ]] || die "--port must be a number"
  command -v redis-server >/dev/null || die "redis-server not found (Debian package redis-server)"
  command -v redis-cli >/dev/null || die "redis-cli not found (Debian package redis-tools)"

  if [[ -f $dir/url ]] && server_pid "$dir" >/dev/null; then
    cat "$dir/url"
    echo
    return 0
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  rm -f "$dir/url" "$dir/redis.pid"
  if [[ -z $password ]]; then
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  fi
  (umask 077 && printf '%s' "$password" >"$dir/password")

  local attempt candidate pid
  for ((attempt = 0; attempt < START_ATTEMPTS; attempt++)); do
    if [[ -n $port ]]; then
      candidate=$port
    else
      candidate=$((20000 + RANDOM % 40000))
      port_in_use "$candidate" && continue
    fi
    printf '%s' "$candidate" >"$dir/port"
    # The ACL lines are config directives: the default user is off, so every client AUTHs.
    redis-server --port "$candidate" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      --user default off --user "$USER_NAME" on ">$password" '~*' '&*' '+@all' >/dev/null
    local step
    for ((step = 0; step < WAIT_STEPS; step++)); do
      # Answered by this server, not by another that already held the port.
      if pid=$(server_pid "$dir") && [[ $(cli "$dir" info server 2>/dev/null | tr -d '\r' |
        sed -n 's/^process_id://p') == "$pid" ]]; then
        local url
        url="redis://$USER_NAME:$(url_encode "$password")@127.0.0.1:$candidate/0"
        printf '%s' "$url" >"$dir/url"
        printf '%s\n' "$url"
        return 0
      fi
      # A server that could not bind exits: try another port (or give up on a fixed one).
      if ((step > 2)) && ! server_pid "$dir" >/dev/null; then
        break
      fi
      sleep 0.05
    done
    if pid=$(server_pid "$dir"); then
      kill "$pid" 2>/dev/null || true
    fi
    [[ -z $port ]] || break
  done
  echo "redis.sh: redis-server did not start; its log:" >&2
  cat "$dir/redis.log" >&2 2>/dev/null || true
  exit 1
}

stop() {
  local dir=$1 pid step
  [[ -d $dir ]] || return 0
  if pid=$(server_pid "$dir"); then
    # A test may have paused it (SIGSTOP) to provoke timeouts.
    kill -CONT "$pid" 2>/dev/null || true
    cli "$dir" shutdown nosave >/dev/null 2>&1 || true
    for ((step = 0; step < WAIT_STEPS; step++)); do
      alive "$pid" || break
      sleep 0.05
    done
    if alive "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

(($# >= 2)) || usage
case $1 in
  start) shift; start "$@" ;;
  stop) (($# == 2)) || usage; stop "$2" ;;
  *) usage ;;
esac
