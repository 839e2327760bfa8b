#!/usr/bin/env bash
# The container's health check: GET /healthz on the port Parley listens on (from PARLEY_LISTEN,
# 127.0.0.1:8080 by default; a wildcard address is probed on loopback) and exit 0 only on a
# 200 status line. Uses bash's /dev/tcp, so the slim image needs no curl. Exit 1 otherwise.
set -uo pipefail

listen=${PARLEY_LISTEN:-127.0.0.1:8080}
port=${listen##*:}
host=${listen%:*}
host=${host#[}
host=${host%]}
case $host in
  0.0.0.0 | '' | localhost) host=127.0.0.1 ;;
  ::) host=::1 ;;
esac
[[ $port =~ ^[0-9]+$ ]] || {
  echo "healthcheck: cannot read a port from PARLEY_LISTEN" >&2
  exit 1
}

# Docker's HEALTHCHECK --timeout bounds the whole check; read -t bounds a silent server too.
if exec 3<>"/dev/tcp/$host/$port" &&
  printf 'GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3 &&
  IFS= read -r -t 3 status_line <&3 &&
  [[ $status_line == "HTTP/1.1 200 "* ]]; then
  exit 0
fi
echo "healthcheck: GET http://$host:$port/healthz did not answer 200" >&2
exit 1
